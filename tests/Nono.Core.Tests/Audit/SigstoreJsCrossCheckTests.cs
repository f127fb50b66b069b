using System.Text.Json;
using Nono.Core.Audit;
using Nono.Core.Trust.Keys;
using Nono.Core.Trust.Sigstore;
using Nono.Core.Tests.Trust.Sigstore;
using Nono.Testing;

namespace Nono.Core.Tests.Audit;

/// <summary>
/// Cross-verification with the reference JavaScript client (tests/sigstore-js, installed by
/// .ci/install-deps with npm ci): sigstore-js verifies nono's attestation bundles, and nono verifies
/// a bundle that sigstore-js's DSSEBundleBuilder signed with the same key.
/// </summary>
public sealed class SigstoreJsCrossCheckTests
{
    private const string Node = "/usr/bin/node";
    private static readonly string s_fixture = Path.Combine(NonoExecutable.RepositoryRoot, "tests", "sigstore-js");

    private static bool Available => File.Exists(Node) && Directory.Exists(Path.Combine(s_fixture, "node_modules", "@sigstore", "verify"));

    private static string SkipReason => $"node or sigstore-js missing (run: npm ci --prefix {s_fixture})";

    [Fact]
    public async Task SigstoreJs_VerifiesNonoSignedBundle_AndRejectsTamperedOne()
    {
        Assert.SkipUnless(Available && SigstoreConformance.Available, SkipReason);
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TempDirectory temp = new();
        using SigningKey key = SigningKey.Generate();
        await key.WriteKeyPairAsync(temp.Combine("k"), ct);
        await AuditFixture.RecordAsync(temp.Path, "s", ct: ct);
        SigstoreBundle bundle = await AuditSigner.SignAsync(temp.Path, "s", key, ct);
        string bundlePath = Path.Combine(temp.Path, "s", AuditFormat.AttestationFile);
        SigstoreBundle tampered = bundle with { DsseEnvelope = bundle.DsseEnvelope! with { Payload = [.. bundle.DsseEnvelope.Payload, (byte)' '] } };
        File.WriteAllBytes(temp.Combine("tampered.json"), JsonSerializer.SerializeToUtf8Bytes(tampered, SigstoreJsonContext.Default.SigstoreBundle));

        ProcessResult good = await RunNode("verify.js", [bundlePath, temp.Combine("k.pub"), SigstoreConformance.PublicGoodTrustedRoot], ct);
        ProcessResult bad = await RunNode("verify.js", [temp.Combine("tampered.json"), temp.Combine("k.pub"), SigstoreConformance.PublicGoodTrustedRoot], ct);

        Assert.True(good.ExitCode == 0, good.ToString());
        Assert.Equal("verified", good.StandardOutput.Trim());
        Assert.Equal(1, bad.ExitCode);
    }

    [Fact]
    public async Task Nono_VerifiesSigstoreJsSignedAttestation_OnlyWithThatKey()
    {
        Assert.SkipUnless(Available, SkipReason);
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TempDirectory temp = new();
        using SigningKey key = SigningKey.Generate();
        using SigningKey other = SigningKey.Generate();
        await key.WriteKeyPairAsync(temp.Combine("k"), ct);
        SessionMetadata session = await AuditFixture.RecordAsync(temp.Path, "s", ct: ct);
        File.WriteAllBytes(temp.Combine("statement.json"), JsonSerializer.SerializeToUtf8Bytes(AuditSigner.CreateStatement(session), SigstoreJsonContext.Default.InTotoStatement));

        ProcessResult sign = await RunNode("sign.js", [temp.Combine("statement.json"), temp.Combine("k"), Path.Combine(temp.Path, "s", AuditFormat.AttestationFile)], ct);
        AuditVerification withKey = await AuditVerifier.VerifyAsync(temp.Path, "s", new AuditVerifyOptions { PublicKeyPem = key.PublicKeyPem }, cancellationToken: TestContext.Current.CancellationToken);
        AuditVerification withOther = await AuditVerifier.VerifyAsync(temp.Path, "s", new AuditVerifyOptions { PublicKeyPem = other.PublicKeyPem }, cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(sign.ExitCode == 0, sign.ToString());
        Assert.True(withKey.Verified, string.Join("; ", withKey.Checks.SelectMany(c => c.Problems)));
        Assert.Equal(AuditCheckStatus.Passed, withKey.Checks.Single(c => c.Part == AuditPart.Signature).Status);
        Assert.Equal([AuditPart.Signature], withOther.FailedParts.ToArray());
    }

    private static Task<ProcessResult> RunNode(string script, string[] args, CancellationToken ct) =>
        ProcessRunner.RunAsync(Node, [Path.Combine(s_fixture, script), .. args], workingDirectory: s_fixture, cancellationToken: ct);
}
