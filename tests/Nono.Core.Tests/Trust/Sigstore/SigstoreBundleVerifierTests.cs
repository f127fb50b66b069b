using Nono.Core.Trust.Sigstore;

namespace Nono.Core.Tests.Trust.Sigstore;

public sealed class SigstoreBundleVerifierTests
{
    public static TheoryData<string> Cases => [.. SigstoreConformance.CaseNames()];

    /// <summary>Every case of shared/sigstore/bundle-verify: a name ending in _fail must fail, every other must verify.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Verify_ConformanceCase_MatchesExpectedOutcome(string name)
    {
        Assert.SkipUnless(SigstoreConformance.Available, SigstoreConformance.SkipReason);
        string dir = Path.Combine(SigstoreConformance.CasesFolder, name);
        string artifactPath = File.Exists(Path.Combine(dir, "artifact")) ? Path.Combine(dir, "artifact") : Path.Combine(SigstoreConformance.CasesFolder, "a.txt");
        string rootPath = File.Exists(Path.Combine(dir, "trusted_root.json")) ? Path.Combine(dir, "trusted_root.json") : SigstoreConformance.PublicGoodTrustedRoot;
        BundleVerificationPolicy policy = File.Exists(Path.Combine(dir, "key.pub"))
            ? new BundleVerificationPolicy { PublicKeyPem = File.ReadAllText(Path.Combine(dir, "key.pub")) }
            : new BundleVerificationPolicy
            {
                CertificateIdentity = SigstoreConformance.ReadOr(dir, "identity", SigstoreConformance.DefaultIdentity),
                CertificateOidcIssuer = SigstoreConformance.ReadOr(dir, "issuer", SigstoreConformance.DefaultIssuer),
            };
        bool expected = !name.EndsWith("_fail", StringComparison.Ordinal);

        BundleVerificationResult result = SigstoreBundleVerifier.Verify(
            File.ReadAllBytes(Path.Combine(dir, "bundle.sigstore.json")), BundleArtifact.FromFile(artifactPath), policy, TrustedRootReader.Load(rootPath));

        Assert.True(expected == result.Verified, expected ? $"expected to verify, failed: {result.Failure}" : "expected to fail, but verified");
    }

    [Fact]
    public void Verify_HappyPathByDigest_VerifiesAndWrongIdentityFails()
    {
        Assert.SkipUnless(SigstoreConformance.Available, SigstoreConformance.SkipReason);
        string dir = Path.Combine(SigstoreConformance.CasesFolder, "happy-path-v0.3");
        byte[] bundle = File.ReadAllBytes(Path.Combine(dir, "bundle.sigstore.json"));
        TrustedRoot root = TrustedRootReader.Load(SigstoreConformance.PublicGoodTrustedRoot);
        BundleArtifact byDigest = BundleArtifact.FromDigest("sha256:" + Convert.ToHexStringLower(BundleArtifact.FromFile(Path.Combine(SigstoreConformance.CasesFolder, "a.txt")).Sha256));

        BundleVerificationResult ok = SigstoreBundleVerifier.Verify(bundle, byDigest, new BundleVerificationPolicy { CertificateIdentity = SigstoreConformance.DefaultIdentity, CertificateOidcIssuer = SigstoreConformance.DefaultIssuer }, root);
        BundleVerificationResult wrongIdentity = SigstoreBundleVerifier.Verify(bundle, byDigest, new BundleVerificationPolicy { CertificateIdentity = "https://github.com/attacker/repo/.github/workflows/x.yml@refs/heads/main", CertificateOidcIssuer = SigstoreConformance.DefaultIssuer }, root);
        BundleVerificationResult wrongIssuer = SigstoreBundleVerifier.Verify(bundle, byDigest, new BundleVerificationPolicy { CertificateIdentity = SigstoreConformance.DefaultIdentity, CertificateOidcIssuer = "https://accounts.google.com" }, root);

        Assert.True(ok.Verified, ok.Failure);
        Assert.False(wrongIdentity.Verified);
        Assert.Contains("certificate identity", wrongIdentity.Failure, StringComparison.Ordinal);
        Assert.False(wrongIssuer.Verified);
        Assert.Contains("OIDC issuer", wrongIssuer.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_NonoOfflineAttestation_FailsForLackOfTransparencyLogEntry()
    {
        Assert.SkipUnless(SigstoreConformance.Available, SigstoreConformance.SkipReason);
        using Nono.Testing.TempDirectory temp = new();
        using Nono.Core.Trust.Keys.SigningKey key = Nono.Core.Trust.Keys.SigningKey.Generate();
        Nono.Core.Audit.SessionMetadata session = await Nono.Core.Tests.Audit.AuditFixture.RecordAsync(temp.Path, "s", ct: TestContext.Current.CancellationToken);
        SigstoreBundle bundle = await Nono.Core.Audit.AuditSigner.SignAsync(temp.Path, "s", key, TestContext.Current.CancellationToken);

        BundleVerificationResult result = SigstoreBundleVerifier.Verify(
            bundle, BundleArtifact.FromDigest("sha256:" + session.Integrity!.MerkleRoot), new BundleVerificationPolicy { PublicKeyPem = key.PublicKeyPem }, TrustedRootReader.Load(SigstoreConformance.PublicGoodTrustedRoot));

        // The signature itself is fine; public-good verification still demands a log entry.
        Assert.False(result.Verified);
        Assert.Equal("bundle has no transparency log entry", result.Failure);
    }

    [Fact]
    public void Verify_KeyAndIdentityBothGiven_RejectedAsAmbiguousPolicy()
    {
        Assert.SkipUnless(SigstoreConformance.Available, SigstoreConformance.SkipReason);
        string dir = Path.Combine(SigstoreConformance.CasesFolder, "managed-key-happy-path");

        BundleVerificationResult result = SigstoreBundleVerifier.Verify(
            File.ReadAllBytes(Path.Combine(dir, "bundle.sigstore.json")),
            BundleArtifact.FromFile(Path.Combine(SigstoreConformance.CasesFolder, "a.txt")),
            new BundleVerificationPolicy { PublicKeyPem = File.ReadAllText(Path.Combine(dir, "key.pub")), CertificateIdentity = SigstoreConformance.DefaultIdentity, CertificateOidcIssuer = SigstoreConformance.DefaultIssuer },
            TrustedRootReader.Load(SigstoreConformance.PublicGoodTrustedRoot));

        Assert.False(result.Verified);
        Assert.Contains("either a public key", result.Failure, StringComparison.Ordinal);
    }
}
