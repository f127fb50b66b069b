using Nono.Core.Trust.Keys;

namespace Nono.Core.Tests.Trust.Keys;

public sealed class Ed25519Tests
{
    [Theory]
    // RFC 8032 §7.1, TEST 1 and TEST 2.
    [InlineData("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "", "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")]
    [InlineData("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72", "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00")]
    public void Verify_Rfc8032Vector_AcceptsAndRejectsAnyChange(string publicKey, string message, string signature)
    {
        byte[] key = Convert.FromHexString(publicKey);
        byte[] msg = Convert.FromHexString(message);
        byte[] sig = Convert.FromHexString(signature);

        Assert.True(Ed25519.Verify(key, msg, sig));
        Assert.False(Ed25519.Verify(key, [.. msg, 0x00], sig));
        byte[] flipped = [.. sig];
        flipped[10] ^= 0x01;
        Assert.False(Ed25519.Verify(key, msg, flipped));
        byte[] badS = [.. sig];
        badS[63] |= 0xF0; // S >= L must be rejected (malleability)
        Assert.False(Ed25519.Verify(key, msg, badS));
    }
}
