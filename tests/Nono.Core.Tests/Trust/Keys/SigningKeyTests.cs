using System.Security.Cryptography;
using Nono.Core.Diagnostics;
using Nono.Core.Trust.Keys;
using Nono.Testing;

namespace Nono.Core.Tests.Trust.Keys;

public sealed class SigningKeyTests
{
    [Fact]
    public async Task WriteKeyPairAsync_WritesPrivate0600AndPublicPem_LoadableByFileAndEnvRef()
    {
        using TempDirectory temp = new();
        string path = temp.Combine("cosign.key");
        using SigningKey key = SigningKey.Generate();

        await key.WriteKeyPairAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", File.ReadAllText(path + ".pub"), StringComparison.Ordinal);
        using SigningKey fromFile = SigningKey.Load(KeyRef.Parse("file://cosign.key", temp.Path), new Dictionary<string, string>());
        using SigningKey fromEnv = SigningKey.Load(KeyRef.Parse("env://NONO_KEY", temp.Path), new Dictionary<string, string> { ["NONO_KEY"] = File.ReadAllText(path) });
        Assert.Equal(key.Hint, fromFile.Hint);
        Assert.Equal(key.Hint, fromEnv.Hint);
        using VerificationKey pub = VerificationKey.FromPem(File.ReadAllText(path + ".pub"));
        Assert.True(pub.Verify("data"u8, fromEnv.Sign("data"u8)));
        Assert.False(pub.Verify("datA"u8, fromEnv.Sign("data"u8)));
    }

    [Fact]
    public async Task WriteKeyPairAsync_ExistingKey_RefusesToOverwrite()
    {
        using TempDirectory temp = new();
        string path = temp.Combine("k");
        File.WriteAllText(path, "keep me");
        using SigningKey key = SigningKey.Generate();

        await Assert.ThrowsAsync<NonoException>(() => key.WriteKeyPairAsync(path, TestContext.Current.CancellationToken));

        Assert.Equal("keep me", File.ReadAllText(path));
    }

    [Theory]
    [InlineData("cosign.key")]
    [InlineData("https://example.org/key")]
    [InlineData("env://BAD-NAME")]
    [InlineData("file://")]
    public void Parse_UnsupportedRef_Throws(string value)
    {
        Assert.Throws<NonoException>(() => KeyRef.Parse(value, "/"));
    }

    [Fact]
    public void FromPem_NonP256Key_Rejected()
    {
        using ECDsa p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);

        NonoException ex = Assert.Throws<NonoException>(() => SigningKey.FromPem(p384.ExportPkcs8PrivateKeyPem()));

        Assert.Contains("P-256", ex.Message, StringComparison.Ordinal);
    }
}
