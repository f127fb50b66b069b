using System.Security.Cryptography;
using System.Text;
using Nono.Core.Trust.InToto;
using Nono.Core.Trust.Keyless;
using Nono.Core.Trust.Sigstore;
using Nono.Testing.Sigstore;

namespace Nono.Core.Tests.Trust.Keyless;

/// <summary>Keyless signing against the local Fulcio/Rekor/OIDC stand-ins, verified by the existing verifier.</summary>
public sealed class KeylessSignerTests
{
    private static readonly HttpClient s_http = new();

    [Fact]
    public async Task SignDigestAsync_StandIns_BundleVerifiesWithExpectedIdentity()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using SigstoreStandIn sigstore = new();
        byte[] artifact = RandomNumberGenerator.GetBytes(100);

        SigstoreBundle bundle = await SignAsync(sigstore, artifact, ct);
        BundleVerificationResult result = Verify(bundle, artifact, sigstore, sigstore.Identity, sigstore.OidcIssuer);

        Assert.True(result.Verified, result.Failure);
        Assert.Equal(1, sigstore.IssuedCertificates);
        Assert.Equal(1, sigstore.Log.Count);
        TransparencyLogEntry entry = Assert.Single(bundle.VerificationMaterial!.TlogEntries!);
        Assert.Equal("hashedrekord", entry.KindVersion!.Kind);
        Assert.NotNull(entry.InclusionPromise);
        Assert.NotNull(entry.InclusionProof!.Checkpoint);
    }

    [Fact]
    public async Task SignDigestAsync_LaterEntries_InclusionProofsStillVerify()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using SigstoreStandIn sigstore = new();
        List<(SigstoreBundle, byte[])> signed = [];
        for (int i = 0; i < 5; i++)
        {
            byte[] artifact = RandomNumberGenerator.GetBytes(10);
            signed.Add((await SignAsync(sigstore, artifact, ct), artifact));
        }

        Assert.All(signed, s => Assert.True(Verify(s.Item1, s.Item2, sigstore, sigstore.Identity, sigstore.OidcIssuer).Verified));
        Assert.Equal(4, signed[^1].Item1.VerificationMaterial!.TlogEntries![0].InclusionProof!.LogIndex);
    }

    [Fact]
    public async Task Verify_WrongIdentityOrIssuer_IsRejected()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using SigstoreStandIn sigstore = new();
        byte[] artifact = RandomNumberGenerator.GetBytes(32);
        SigstoreBundle bundle = await SignAsync(sigstore, artifact, ct);

        BundleVerificationResult wrongIdentity = Verify(bundle, artifact, sigstore, "https://github.com/evil/app/.github/workflows/sign.yml@refs/heads/main", sigstore.OidcIssuer);
        BundleVerificationResult wrongIssuer = Verify(bundle, artifact, sigstore, sigstore.Identity, "https://accounts.google.com");
        BundleVerificationResult wrongArtifact = Verify(bundle, RandomNumberGenerator.GetBytes(32), sigstore, sigstore.Identity, sigstore.OidcIssuer);

        Assert.Contains("certificate identity", wrongIdentity.Failure, StringComparison.Ordinal);
        Assert.Contains("OIDC issuer", wrongIssuer.Failure, StringComparison.Ordinal);
        Assert.False(wrongArtifact.Verified);
        Assert.Equal(BundleCheck.Identity, wrongIdentity.FailedCheck);
        Assert.Equal(BundleCheck.Identity, wrongIssuer.FailedCheck);
        Assert.Equal(BundleCheck.Signature, wrongArtifact.FailedCheck);
    }

    [Fact]
    public async Task Verify_CertificateExpiredBeforeLogging_IsRejected()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using SigstoreStandIn sigstore = new();
        DateTimeOffset now = DateTimeOffset.UtcNow;
        sigstore.CertificateValidity = (now.AddMinutes(-30), now.AddMinutes(-20));
        byte[] artifact = RandomNumberGenerator.GetBytes(32);

        SigstoreBundle bundle = await SignAsync(sigstore, artifact, ct);
        BundleVerificationResult result = Verify(bundle, artifact, sigstore, sigstore.Identity, sigstore.OidcIssuer);

        Assert.False(result.Verified);
        Assert.Contains("was not valid at", result.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_TamperedLogEntry_IsRejected()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using SigstoreStandIn sigstore = new();
        byte[] artifact = RandomNumberGenerator.GetBytes(32);
        SigstoreBundle bundle = await SignAsync(sigstore, artifact, ct);
        TransparencyLogEntry entry = bundle.VerificationMaterial!.TlogEntries![0];

        SigstoreBundle laterTime = WithEntry(bundle, entry with { IntegratedTime = entry.IntegratedTime + 60 });
        SigstoreBundle otherIndex = WithEntry(bundle, entry with { LogIndex = entry.LogIndex + 1 });
        byte[] body = [.. entry.CanonicalizedBody!];
        body[^3] ^= 1;
        SigstoreBundle otherBody = WithEntry(bundle, entry with { CanonicalizedBody = body });

        Assert.Contains("SET", Verify(laterTime, artifact, sigstore, sigstore.Identity, sigstore.OidcIssuer).Failure, StringComparison.Ordinal);
        Assert.Contains("SET", Verify(otherIndex, artifact, sigstore, sigstore.Identity, sigstore.OidcIssuer).Failure, StringComparison.Ordinal);
        Assert.False(Verify(otherBody, artifact, sigstore, sigstore.Identity, sigstore.OidcIssuer).Verified);
    }

    [Fact]
    public async Task SignDsseAsync_StandIns_StatementBundleVerifies()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using SigstoreStandIn sigstore = new();
        byte[] subject = RandomNumberGenerator.GetBytes(32);
        string digest = Convert.ToHexStringLower(SHA256.HashData(subject));
        byte[] statement = Encoding.UTF8.GetBytes("{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"x\",\"digest\":{\"sha256\":\"" + digest + "\"}}],\"predicateType\":\"https://nono.dev/test\",\"predicate\":{}}");
        string token = await OidcToken.GetAsync(s_http, sigstore.SigningEnvironment(), ct);

        SigstoreBundle bundle = await new KeylessSigner(s_http, Settings(sigstore)).SignDsseAsync(InTotoStatement.PayloadType, statement, token, ct);
        BundleVerificationResult result = Verify(bundle, subject, sigstore, sigstore.Identity, sigstore.OidcIssuer);

        Assert.True(result.Verified, result.Failure);
        Assert.Equal("dsse", bundle.VerificationMaterial!.TlogEntries![0].KindVersion!.Kind);
    }

    [Fact]
    public async Task OidcToken_WrongRequestToken_IsRefused()
    {
        await using SigstoreStandIn sigstore = new();
        Dictionary<string, string> env = sigstore.SigningEnvironment();
        env["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = "not-the-token";

        Core.Diagnostics.NonoException ex = await Assert.ThrowsAsync<Core.Diagnostics.NonoException>(() => OidcToken.GetAsync(s_http, env, TestContext.Current.CancellationToken));

        Assert.Contains("HTTP 401", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_PlainHttpToRemoteHost_IsRefused()
    {
        Core.Diagnostics.NonoException ex = Assert.Throws<Core.Diagnostics.NonoException>(() => KeylessSettings.Resolve("http://fulcio.example", null, new Dictionary<string, string>()));

        Assert.Contains("must use https", ex.Message, StringComparison.Ordinal);
        Assert.Equal(new Uri("http://127.0.0.1:1/"), KeylessSettings.Resolve("http://127.0.0.1:1/", null, new Dictionary<string, string>()).FulcioUrl);
    }

    internal static KeylessSettings Settings(SigstoreStandIn sigstore) => new() { FulcioUrl = sigstore.BaseAddress, RekorUrl = sigstore.BaseAddress };

    internal static async Task<SigstoreBundle> SignAsync(SigstoreStandIn sigstore, byte[] artifact, CancellationToken ct)
    {
        string token = await OidcToken.GetAsync(s_http, sigstore.SigningEnvironment(), ct);
        return await new KeylessSigner(s_http, Settings(sigstore)).SignDigestAsync(SHA256.HashData(artifact), token, ct);
    }

    private static BundleVerificationResult Verify(SigstoreBundle bundle, byte[] artifact, SigstoreStandIn sigstore, string identity, string issuer) =>
        SigstoreBundleVerifier.Verify(bundle, BundleArtifact.FromBytes(artifact), new BundleVerificationPolicy { CertificateIdentity = identity, CertificateOidcIssuer = issuer }, sigstore.TrustedRoot());

    private static SigstoreBundle WithEntry(SigstoreBundle bundle, TransparencyLogEntry entry) =>
        bundle with { VerificationMaterial = bundle.VerificationMaterial! with { TlogEntries = [entry] } };
}
