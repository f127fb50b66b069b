using System.Security.Cryptography;
using System.Text;
using Nono.Core.Trust;

namespace Nono.Core.Tests.Trust;

/// <summary>The managed SHA-256 against the platform's (OpenSSL) and against FIPS 180-4's published vectors.</summary>
public sealed class ManagedSha256Tests
{
    [Theory]
    [InlineData("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")]
    public void HashData_PublishedVectors(string message, string expectedHex)
    {
        Assert.Equal(expectedHex, Convert.ToHexStringLower(ManagedSha256.HashData(Encoding.ASCII.GetBytes(message))));
    }

    [Fact]
    public void HashData_MillionA_PublishedVector()
    {
        byte[] message = new byte[1_000_000];
        message.AsSpan().Fill((byte)'a');

        Assert.Equal("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", Convert.ToHexStringLower(ManagedSha256.HashData(message)));
    }

    [Fact]
    public void HashData_EveryLengthAroundTheBlockBoundaries_MatchesPlatform()
    {
        byte[] data = RandomNumberGenerator.GetBytes(400);
        for (int length = 0; length <= data.Length; length++)
        {
            ReadOnlySpan<byte> message = data.AsSpan(0, length);
            Assert.Equal(SHA256.HashData(message), ManagedSha256.HashData(message));
        }
    }

    [Fact]
    public void AppendData_AnySplit_MatchesPlatform()
    {
        byte[] data = RandomNumberGenerator.GetBytes(300);
        byte[] expected = SHA256.HashData(data);
        for (int first = 0; first <= data.Length; first += 7)
        {
            for (int second = first; second <= data.Length; second += 13)
            {
                ManagedSha256 sha = new();
                sha.AppendData(data.AsSpan(0, first));
                sha.AppendData(data.AsSpan(first, second - first));
                sha.AppendData(data.AsSpan(second));
                Assert.Equal(expected, sha.GetHash());
            }
        }
    }

    [Fact]
    public void GetHash_Twice_Throws()
    {
        ManagedSha256 sha = new();
        sha.AppendData([1, 2, 3]);
        _ = sha.GetHash();

        Assert.Throws<ObjectDisposedException>(() => sha.GetHash());
        Assert.Throws<ObjectDisposedException>(() => sha.AppendData([4]));
    }
}
