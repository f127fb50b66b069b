using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Nono.Core.Trust.Dsse;
using Nono.Core.Trust.Keys;
using Nono.Core.Trust.Sigstore;

namespace Nono.Core.Trust.Keyless;

/// <summary>
/// Sigstore keyless signing: an ephemeral ECDSA P-256 key (never written anywhere), a Fulcio
/// certificate binding it to the OIDC identity, the signature, and a Rekor v1 entry (hashedrekord for
/// message signatures, dsse for envelopes) whose SET and inclusion proof go into a v0.3 bundle.
/// </summary>
public sealed class KeylessSigner(HttpClient http, KeylessSettings settings)
{
    /// <summary>Signs a SHA-256 digest: a bundle with a message signature (hashedrekord 0.0.1).</summary>
    public async Task<SigstoreBundle> SignDigestAsync(byte[] sha256, string oidcToken, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sha256);
        ArgumentException.ThrowIfNullOrEmpty(oidcToken);
        using SigningKey key = SigningKey.Generate();
        List<byte[]> chain = await FulcioClient.RequestCertificateAsync(http, settings.FulcioUrl, oidcToken, key, cancellationToken);
        byte[] signature = key.SignDigest(sha256);
        JsonObject entry = new()
        {
            ["apiVersion"] = "0.0.1",
            ["kind"] = "hashedrekord",
            ["spec"] = new JsonObject
            {
                ["data"] = new JsonObject { ["hash"] = new JsonObject { ["algorithm"] = "sha256", ["value"] = Convert.ToHexStringLower(sha256) } },
                ["signature"] = new JsonObject
                {
                    ["content"] = Convert.ToBase64String(signature),
                    ["publicKey"] = new JsonObject { ["content"] = CertificatePemBase64(chain[0]) },
                },
            },
        };
        TransparencyLogEntry logged = await RekorClient.UploadAsync(http, settings.RekorUrl, entry, cancellationToken);
        return new SigstoreBundle
        {
            MediaType = SigstoreBundle.MediaTypeV03,
            VerificationMaterial = new BundleVerificationMaterial { Certificate = new BundleCertificate { RawBytes = chain[0] }, TlogEntries = [logged] },
            MessageSignature = new BundleMessageSignature { MessageDigest = new BundleHashOutput { Algorithm = "SHA2_256", Digest = sha256 }, Signature = signature },
        };
    }

    /// <summary>Signs a DSSE envelope over <paramref name="payload"/> (dsse 0.0.1 entry).</summary>
    public async Task<SigstoreBundle> SignDsseAsync(string payloadType, byte[] payload, string oidcToken, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(payloadType);
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentException.ThrowIfNullOrEmpty(oidcToken);
        using SigningKey key = SigningKey.Generate();
        List<byte[]> chain = await FulcioClient.RequestCertificateAsync(http, settings.FulcioUrl, oidcToken, key, cancellationToken);
        byte[] signature = key.Sign(DssePae.Encode(payloadType, payload));
        DsseEnvelope envelope = new() { Payload = payload, PayloadType = payloadType, Signatures = [new DsseSignature { Sig = signature }] };
        JsonObject envelopeJson = new()
        {
            ["payload"] = Convert.ToBase64String(payload),
            ["payloadType"] = payloadType,
            ["signatures"] = new JsonArray(new JsonObject { ["sig"] = Convert.ToBase64String(signature) }),
        };
        JsonObject entry = new()
        {
            ["apiVersion"] = "0.0.1",
            ["kind"] = "dsse",
            ["spec"] = new JsonObject
            {
                ["proposedContent"] = new JsonObject
                {
                    ["envelope"] = envelopeJson.ToJsonString(),
                    ["verifiers"] = new JsonArray(CertificatePemBase64(chain[0])),
                },
            },
        };
        TransparencyLogEntry logged = await RekorClient.UploadAsync(http, settings.RekorUrl, entry, cancellationToken);
        return new SigstoreBundle
        {
            MediaType = SigstoreBundle.MediaTypeV03,
            VerificationMaterial = new BundleVerificationMaterial { Certificate = new BundleCertificate { RawBytes = chain[0] }, TlogEntries = [logged] },
            DsseEnvelope = envelope,
        };
    }

    private static string CertificatePemBase64(byte[] der) => Convert.ToBase64String(Encoding.ASCII.GetBytes(PemEncoding.WriteString("CERTIFICATE", der) + "\n"));
}
