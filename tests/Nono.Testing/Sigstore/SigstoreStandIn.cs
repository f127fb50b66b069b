using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nono.Core.Trust.Sigstore;

namespace Nono.Testing.Sigstore;

/// <summary>
/// Local stand-ins for Sigstore on 127.0.0.1, following the published APIs: a GitHub Actions OIDC
/// token endpoint (<c>GET /oidc/token?audience=sigstore</c>, bearer request token, <c>{"value": JWT}</c>),
/// Fulcio v2 (<c>POST /api/v2/signingCert</c>: verifies the ES256 JWT, its audience and expiry and the
/// proof of possession over <c>sub</c>, issues a leaf with an embedded SCT) and Rekor v1
/// (<c>POST /api/v1/log/entries</c>: hashedrekord 0.0.1 and dsse 0.0.1, checks the signature,
/// canonicalizes, logs). <see cref="TrustedRootJson"/> describes them for verifiers.
/// </summary>
public sealed partial class SigstoreStandIn : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly Task _loop;
    private readonly ECDsa _oidcKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly DateTimeOffset _created = DateTimeOffset.UtcNow;

    public SigstoreStandIn()
    {
        _listener = LoopbackHttpListener.Start(out Uri baseAddress);
        BaseAddress = baseAddress;
        Ca = new TestCertificateAuthority(_created);
        _loop = Task.Run(LoopAsync);
    }

    public Uri BaseAddress { get; }

    public TestCertificateAuthority Ca { get; }

    public TestTransparencyLog Log { get; } = new();

    /// <summary>The <c>iss</c> of issued tokens, and so the certificates' OIDC issuer.</summary>
    public string OidcIssuer { get; init; } = "https://token.actions.githubusercontent.com";

    /// <summary>The <c>job_workflow_ref</c> claim; the certificate SAN is <c>https://github.com/</c> + this.</summary>
    public string JobWorkflowRef { get; set; } = "acme/app/.github/workflows/sign.yml@refs/heads/main";

    public string Identity => "https://github.com/" + JobWorkflowRef;

    /// <summary>
    /// The <c>run_id</c> claim: certificates carry Fulcio's source repository (1.3.6.1.4.1.57264.1.12) and run
    /// invocation (1.3.6.1.4.1.57264.1.21) extensions, as GitHub-issued ones do. Null issues certificates without them
    /// (what a verifier must refuse for GitHub's issuer).
    /// </summary>
    public string? RunId { get; set; } = "42";

    /// <summary>The <c>run_attempt</c> claim, the <c>/attempts/N</c> of the run invocation URI.</summary>
    public string RunAttempt { get; set; } = "1";

    /// <summary>The bearer token the token endpoint requires (ACTIONS_ID_TOKEN_REQUEST_TOKEN).</summary>
    public string RequestToken { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    /// <summary>ACTIONS_ID_TOKEN_REQUEST_URL, with a query string as GitHub's has.</summary>
    public string RequestUrl => new Uri(BaseAddress, "oidc/token?api-version=2.0").ToString();

    /// <summary>When set, certificates are issued with this validity instead of now-1min .. now+10min.</summary>
    public (DateTimeOffset NotBefore, DateTimeOffset NotAfter)? CertificateValidity { get; set; }

    /// <summary>Number of certificates issued.</summary>
    public int IssuedCertificates { get; private set; }

    /// <summary>Environment a signing process needs: OIDC request variables and both URLs.</summary>
    public Dictionary<string, string> SigningEnvironment() => new()
    {
        ["ACTIONS_ID_TOKEN_REQUEST_URL"] = RequestUrl,
        ["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = RequestToken,
        ["NONO_FULCIO_URL"] = BaseAddress.ToString(),
        ["NONO_REKOR_URL"] = BaseAddress.ToString(),
    };

    /// <summary>A trusted root naming this CA, log and CT log.</summary>
    public TrustedRoot TrustedRoot()
    {
        ValidityPeriod valid = new() { Start = _created.AddDays(-1) };
        return new TrustedRoot
        {
            MediaType = "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
            Tlogs = [Instance(BaseAddress.ToString().TrimEnd('/'), Log.Key, Log.LogId, valid)],
            CertificateAuthorities =
            [
                new CertificateAuthority
                {
                    Uri = BaseAddress.ToString().TrimEnd('/'),
                    CertChain = new BundleCertificateChain { Certificates = [new BundleCertificate { RawBytes = Ca.Intermediate.RawData }, new BundleCertificate { RawBytes = Ca.Root.RawData }] },
                    ValidFor = valid,
                },
            ],
            Ctlogs = [Instance("https://ctfe.nono.test", Ca.CtLogKey, Ca.CtLogId, valid)],
            TimestampAuthorities = [],
        };

        static TransparencyLogInstance Instance(string url, ECDsa key, byte[] id, ValidityPeriod valid) => new()
        {
            BaseUrl = url,
            HashAlgorithm = "SHA2_256",
            PublicKey = new TrustedPublicKey { RawBytes = key.ExportSubjectPublicKeyInfo(), KeyDetails = "PKIX_ECDSA_P256_SHA_256", ValidFor = valid },
            LogId = new LogId { KeyId = id },
        };
    }

    public string TrustedRootJson() => JsonSerializer.Serialize(TrustedRoot(), SigstoreJsonContext.Default.TrustedRoot);

    /// <summary>Issues an ES256 JWT for the audience (what GitHub's endpoint does).</summary>
    public string IssueToken(string audience)
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        JsonObject claims = new()
        {
            ["iss"] = OidcIssuer,
            ["aud"] = audience,
            ["sub"] = "repo:" + JobWorkflowRef.Split('/')[0] + "/" + JobWorkflowRef.Split('/')[1] + ":ref:refs/heads/main",
            ["job_workflow_ref"] = JobWorkflowRef,
            ["repository"] = JobWorkflowRef.Split('/')[0] + "/" + JobWorkflowRef.Split('/')[1],
            ["iat"] = now,
            ["nbf"] = now - 5,
            ["exp"] = now + 300,
        };
        if (RunId is not null)
        {
            claims["run_id"] = RunId;
            claims["run_attempt"] = RunAttempt;
        }

        string header = B64Url("""{"alg":"ES256","typ":"JWT","kid":"nono-test"}"""u8);
        string payload = B64Url(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        byte[] signature = _oidcKey.SignData(Encoding.ASCII.GetBytes(header + "." + payload), HashAlgorithmName.SHA256);
        return $"{header}.{payload}.{B64Url(signature)}";
    }

    public async ValueTask DisposeAsync()
    {
        LoopbackHttpListener.Close(_listener);
        try
        {
            await _loop;
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
        {
        }

        Ca.Dispose();
        Log.Dispose();
        _oidcKey.Dispose();
    }

    private static string B64Url(ReadOnlySpan<byte> data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');

}
