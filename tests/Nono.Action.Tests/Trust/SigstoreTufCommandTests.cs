using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Nono.Core.Trust.Sigstore;
using Nono.Testing;
using Nono.Testing.Sigstore;

namespace Nono.Action.Tests.Trust;

/// <summary>
/// <c>nono sigstore verify-bundle</c> without --trusted-root refreshes the trusted root over TUF from a
/// repository made by the test on 127.0.0.1 (anchor via NONO_TUF_ROOT), as root and as uid 65534.
/// </summary>
public sealed class SigstoreTufCommandTests
{
    private const UnixFileMode Open = (UnixFileMode)0b111_111_111;

    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task VerifyBundle_NoTrustedRoot_FetchesItOverTufAndRefusesATamperedOne(TestUser user)
    {
        Assert.SkipWhen(user == TestUser.Nobody && !ProcessRunner.IsRoot, "switching to uid 65534 needs root");
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using SigstoreStandIn sigstore = new();
        byte[] rootJson = Encoding.UTF8.GetBytes(sigstore.TrustedRootJson());
        await using TestTufRepository tuf = new(DateTimeOffset.UtcNow, rootJson);
        using TempDirectory temp = new();
        File.SetUnixFileMode(temp.Path, Open);
        byte[] artifact = RandomNumberGenerator.GetBytes(50);
        File.WriteAllBytes(temp.Combine("artifact"), artifact);
        using HttpClient http = new();
        string token = await Nono.Core.Trust.Keyless.OidcToken.GetAsync(http, sigstore.SigningEnvironment(), ct);
        SigstoreBundle bundle = await new Nono.Core.Trust.Keyless.KeylessSigner(http, new() { FulcioUrl = sigstore.BaseAddress, RekorUrl = sigstore.BaseAddress })
            .SignDigestAsync(SHA256.HashData(artifact), token, ct);
        File.WriteAllBytes(temp.Combine("bundle.json"), JsonSerializer.SerializeToUtf8Bytes(bundle, SigstoreJsonContext.Default.SigstoreBundle));
        File.WriteAllBytes(temp.Combine("anchor.json"), tuf.TrustAnchor);
        foreach (string file in Directory.EnumerateFiles(temp.Path))
        {
            File.SetUnixFileMode(file, Open);
        }

        Dictionary<string, string> env = new()
        {
            ["PATH"] = "/usr/bin:/bin",
            ["HOME"] = temp.Path,
            ["XDG_CACHE_HOME"] = temp.Path,
            ["NONO_TUF_URL"] = tuf.BaseAddress.ToString(),
            ["NONO_TUF_ROOT"] = temp.Combine("anchor.json"),
        };
        Task<ProcessResult> Verify() => ProcessRunner.RunAsync(NonoExecutable.Path,
            ["sigstore", "verify-bundle", "--bundle", "bundle.json", "--certificate-identity", sigstore.Identity, "--certificate-oidc-issuer", sigstore.OidcIssuer, "artifact"],
            user, env, temp.Path, cancellationToken: ct);

        ProcessResult ok = await Verify();
        string target = $"targets/{Convert.ToHexStringLower(SHA256.HashData(rootJson))}.trusted_root.json";
        byte[] evil = [.. rootJson];
        evil[^2] ^= 1; // same length: only the sha256 pin can catch it
        tuf.Files[target] = evil;
        ProcessResult tampered = await Verify();

        Assert.True(ok.ExitCode == 0, ok.ToString());
        Assert.Equal("OK", ok.StandardOutput.Trim());
        Assert.True(File.Exists(Path.Combine(temp.Path, "nono", "sigstore", "trusted_root.json")));
        Assert.Equal(1, tampered.ExitCode);
        Assert.Contains("cannot refresh the Sigstore trusted root over TUF", tampered.StandardError, StringComparison.Ordinal);
        Assert.Contains("does not match its sha256", tampered.StandardError, StringComparison.Ordinal);
    }
}
