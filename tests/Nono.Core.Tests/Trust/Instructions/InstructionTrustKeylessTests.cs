using System.Security.Cryptography;
using Nono.Core.Tests.Trust.Keyless;
using Nono.Core.Trust.Instructions;
using Nono.Core.Trust.Sigstore;
using Nono.Testing.Sigstore;

namespace Nono.Core.Tests.Trust.Instructions;

/// <summary>Keyless instruction-file signatures: trusted only for the policy's OIDC identity and with a trusted root.</summary>
public sealed class InstructionTrustKeylessTests
{
    [Fact]
    public async Task VerifyAsync_KeylessPublisher_TrustedOnlyForMatchingIdentityAndValidCertificate()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TrustWorkspace ws = new();
        await using SigstoreStandIn sigstore = new();
        string agents = ws.Write("AGENTS.md", "signed in CI");
        await InstructionSigner.WriteBundleAsync(agents, await KeylessSignerTests.SignAsync(sigstore, File.ReadAllBytes(agents), ct), ct);
        string claude = ws.Write("CLAUDE.md", "signed with an expired certificate");
        DateTimeOffset now = DateTimeOffset.UtcNow;
        sigstore.CertificateValidity = (now.AddHours(-2), now.AddHours(-1));
        await InstructionSigner.WriteBundleAsync(claude, await KeylessSignerTests.SignAsync(sigstore, File.ReadAllBytes(claude), ct), ct);
        TrustPublisher ci = new() { Name = "ci", Issuer = sigstore.OidcIssuer, Repository = "acme/app", Workflow = ".github/workflows/sign.yml", RefPattern = "refs/heads/*" };
        InstructionTrustOptions options = new() { TrustedRoot = sigstore.TrustedRoot() };

        TrustVerdict verdict = await InstructionTrust.VerifyAsync(ws.Root, new TrustPolicy { Publishers = [ci] }, options, ct);
        TrustVerdict tagsOnly = await InstructionTrust.VerifyAsync(ws.Root, new TrustPolicy { Publishers = [ci with { RefPattern = "refs/tags/*" }] }, options, ct);
        TrustVerdict noRoot = await InstructionTrust.VerifyFilesAsync(ws.Root, ["AGENTS.md"], new TrustPolicy { Publishers = [ci] }, null, ct);

        Assert.Equal("ci", Assert.Single(verdict.Trusted).Publisher);
        TrustFinding expired = Assert.Single(verdict.Findings);
        Assert.Equal(("CLAUDE.md", TrustFindingReason.InvalidSignature), (expired.Path, expired.Reason));
        Assert.Contains("not valid at", expired.Detail, StringComparison.Ordinal);
        Assert.All(tagsOnly.Findings, f => Assert.Equal(TrustFindingReason.UnknownPublisher, f.Reason));
        Assert.Equal(2, tagsOnly.Findings.Count);
        Assert.Equal(TrustFindingReason.InvalidSignature, Assert.Single(noRoot.Findings).Reason);
    }

    [Fact]
    public async Task VerifyAsync_KeylessBundleFromAnotherSigstore_IsInvalid()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TrustWorkspace ws = new();
        await using SigstoreStandIn trusted = new();
        await using SigstoreStandIn rogue = new();
        string agents = ws.Write("AGENTS.md", RandomNumberGenerator.GetHexString(16));
        SigstoreBundle bundle = await KeylessSignerTests.SignAsync(rogue, File.ReadAllBytes(agents), ct);
        await InstructionSigner.WriteBundleAsync(agents, bundle, ct);
        TrustPublisher ci = new() { Name = "ci", Issuer = trusted.OidcIssuer, Repository = "acme/app", Workflow = ".github/workflows/sign.yml", RefPattern = "*" };

        TrustVerdict verdict = await InstructionTrust.VerifyAsync(ws.Root, new TrustPolicy { Publishers = [ci] }, new InstructionTrustOptions { TrustedRoot = trusted.TrustedRoot() }, ct);

        Assert.Equal(TrustFindingReason.InvalidSignature, Assert.Single(verdict.Findings).Reason);
    }
}
