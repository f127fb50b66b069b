using System.Security.Cryptography;
using System.Text.Json;
using Nono.Core.Trust.Sigstore;
using Nono.Testing;
using Nono.Testing.Sigstore;

namespace Nono.Core.Tests.Trust.Keyless;

/// <summary>sigstore-js (tests/sigstore-js) accepts keyless bundles nono made against the stand-ins, with their trusted root.</summary>
public sealed class KeylessSigstoreJsTests
{
    private const string Node = "/usr/bin/node";
    private static readonly string s_fixture = Path.Combine(NonoExecutable.RepositoryRoot, "tests", "sigstore-js");

    private static bool Available => File.Exists(Node) && Directory.Exists(Path.Combine(s_fixture, "node_modules", "@sigstore", "verify"));

    [Fact]
    public async Task SigstoreJs_AcceptsKeylessBundle_AndRejectsWrongIdentityAndTamperedEntry()
    {
        Assert.SkipUnless(Available, $"node or sigstore-js missing (run: npm ci --prefix {s_fixture})");
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TempDirectory temp = new();
        await using SigstoreStandIn sigstore = new();
        byte[] artifact = RandomNumberGenerator.GetBytes(64);
        File.WriteAllBytes(temp.Combine("artifact"), artifact);
        File.WriteAllText(temp.Combine("root.json"), sigstore.TrustedRootJson());
        SigstoreBundle bundle = await KeylessSignerTests.SignAsync(sigstore, artifact, ct);
        File.WriteAllBytes(temp.Combine("good.json"), JsonSerializer.SerializeToUtf8Bytes(bundle, SigstoreJsonContext.Default.SigstoreBundle));
        TransparencyLogEntry entry = bundle.VerificationMaterial!.TlogEntries![0];
        SigstoreBundle tampered = bundle with { VerificationMaterial = bundle.VerificationMaterial with { TlogEntries = [entry with { IntegratedTime = entry.IntegratedTime - 3600 }] } };
        File.WriteAllBytes(temp.Combine("tampered.json"), JsonSerializer.SerializeToUtf8Bytes(tampered, SigstoreJsonContext.Default.SigstoreBundle));

        ProcessResult good = await Run(temp, "good.json", sigstore.Identity, sigstore.OidcIssuer, ct);
        ProcessResult wrongIdentity = await Run(temp, "good.json", "https://github.com/evil/app/.github/workflows/sign.yml@refs/heads/main", sigstore.OidcIssuer, ct);
        ProcessResult bad = await Run(temp, "tampered.json", sigstore.Identity, sigstore.OidcIssuer, ct);

        Assert.True(good.ExitCode == 0, good.ToString());
        Assert.Equal("verified", good.StandardOutput.Trim());
        Assert.Equal(1, wrongIdentity.ExitCode);
        Assert.Equal(1, bad.ExitCode);
    }

    private static Task<ProcessResult> Run(TempDirectory temp, string bundle, string identity, string issuer, CancellationToken ct) =>
        ProcessRunner.RunAsync(Node, [Path.Combine(s_fixture, "verify-keyless.js"), temp.Combine(bundle), temp.Combine("artifact"), temp.Combine("root.json"), identity, issuer],
            workingDirectory: s_fixture, cancellationToken: ct);
}
