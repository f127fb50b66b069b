using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Nono.Core.Diagnostics;
using Nono.Core.Trust.Keys;

namespace Nono.Core.Trust.Sigstore;

/// <summary>
/// Verifies Sigstore bundles (v0.1–v0.3) offline against a trusted root: the signature (message
/// signature or DSSE) over the artifact, the signer (pinned key, or Fulcio certificate chained to
/// the trusted CA valid at the signing time, with a valid SCT, the expected SAN and OIDC issuer),
/// the Rekor entry (SET and/or inclusion proof with a signed checkpoint, v1 and v2 entries) and its
/// match with the signed content, and RFC 3161 timestamps.
/// </summary>
public static partial class SigstoreBundleVerifier
{
    private static readonly string[] s_mediaTypes =
    [
        "application/vnd.dev.sigstore.bundle+json;version=0.1",
        "application/vnd.dev.sigstore.bundle+json;version=0.2",
        "application/vnd.dev.sigstore.bundle+json;version=0.3",
        "application/vnd.dev.sigstore.bundle.v0.3+json",
    ];

    /// <summary>Parses and verifies a bundle given as JSON bytes.</summary>
    public static BundleVerificationResult Verify(ReadOnlySpan<byte> bundleJson, BundleArtifact artifact, BundleVerificationPolicy policy, TrustedRoot trustedRoot)
    {
        SigstoreBundle? bundle;
        try
        {
            bundle = JsonSerializer.Deserialize(bundleJson, SigstoreJsonContext.Default.SigstoreBundle);
        }
        catch (JsonException ex)
        {
            return BundleVerificationResult.Fail($"bundle is not valid JSON: {ex.Message.ReplaceLineEndings(" ")}");
        }

        return bundle is null ? BundleVerificationResult.Fail("bundle is empty") : Verify(bundle, artifact, policy, trustedRoot);
    }

    /// <summary>Verifies a parsed bundle.</summary>
    public static BundleVerificationResult Verify(SigstoreBundle bundle, BundleArtifact artifact, BundleVerificationPolicy policy, TrustedRoot trustedRoot)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        ArgumentNullException.ThrowIfNull(artifact);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(trustedRoot);
        Stage stage = new();
        try
        {
            VerifyOrThrow(bundle, artifact, policy, trustedRoot, stage);
            return BundleVerificationResult.Success;
        }
        catch (NonoException ex) when (ex.Code is NonoErrorCode.VerificationFailed or NonoErrorCode.InvalidPolicy)
        {
            return BundleVerificationResult.Fail(ex.Message, stage.Current);
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or JsonException or System.Formats.Asn1.AsnContentException
            or InvalidOperationException or ArgumentException)
        {
            return BundleVerificationResult.Fail($"malformed bundle content: {ex.Message.ReplaceLineEndings(" ")}", stage.Current);
        }
    }

    internal static NonoException Failure(string message) => new(NonoErrorCode.VerificationFailed, message);

    private static void VerifyOrThrow(SigstoreBundle bundle, BundleArtifact artifact, BundleVerificationPolicy policy, TrustedRoot root, Stage stage)
    {
        if (!s_mediaTypes.Contains(bundle.MediaType, StringComparer.Ordinal))
        {
            throw Failure($"unsupported bundle media type '{bundle.MediaType}'");
        }

        bool keyPolicy = policy.PublicKeyPem is not null;
        if (keyPolicy == (policy.CertificateIdentity is not null || policy.CertificateOidcIssuer is not null)
            || (!keyPolicy && (policy.CertificateIdentity is null || policy.CertificateOidcIssuer is null)))
        {
            throw new NonoException(NonoErrorCode.InvalidPolicy, "give either a public key, or both a certificate identity and an OIDC issuer");
        }

        BundleVerificationMaterial material = bundle.VerificationMaterial ?? throw Failure("bundle has no verification material");
        if ((bundle.MessageSignature is null) == (bundle.DsseEnvelope is null))
        {
            throw Failure("bundle must carry exactly one of a message signature or a DSSE envelope");
        }

        X509Certificate2? leaf = LeafCertificate(bundle, material);
        try
        {
            using VerificationKey signer = leaf is not null
                ? VerificationKey.FromCertificate(leaf)
                : VerificationKey.FromPem(policy.PublicKeyPem ?? throw Failure("bundle is signed with a managed key but no --key was given"));
            if (leaf is not null && keyPolicy)
            {
                throw Failure("bundle is signed with a certificate but a public key was given");
            }

            // 1. The signature over the content, and the content against the artifact.
            stage.Current = BundleCheck.Signature;
            SignedContent content = VerifyContent(bundle, artifact, signer);

            // 2. The transparency log entry (and the times it proves).
            stage.Current = BundleCheck.TransparencyLog;
            List<TrustedPublicKey> timestampedLogKeys = [];
            List<DateTimeOffset> times = VerifyTlogEntries(bundle.MediaType.EndsWith("version=0.1", StringComparison.Ordinal), material, content, leaf, signer, root, timestampedLogKeys);

            // 3. RFC 3161 timestamps add more proven times; Rekor v2 entries have no other.
            stage.Current = BundleCheck.Timestamp;
            List<DateTimeOffset> stamped = VerifyTimestamps(material, content, root);
            if (timestampedLogKeys.Count > 0 && stamped.Count == 0)
            {
                throw Failure("Rekor v2 entry needs an RFC 3161 timestamp (it has no integrated time)");
            }

            foreach (TrustedPublicKey logKey in timestampedLogKeys)
            {
                if (!stamped.All(t => logKey.ValidFor!.Contains(t)))
                {
                    throw Failure("transparency log key was not valid at the timestamped time");
                }
            }

            times.AddRange(stamped);
            if (times.Count == 0)
            {
                throw Failure("no verified signing time: the bundle needs a signed integrated time (Rekor v1) or an RFC 3161 timestamp");
            }

            // 4. The certificate: chain to a trusted Fulcio CA, SCT, identity, valid at every proven time.
            if (leaf is not null)
            {
                VerifyCertificate(leaf, material, times, policy, root, stage);
            }
        }
        finally
        {
            leaf?.Dispose();
        }
    }

    /// <summary>Which stage is running, so a failure can be attributed to it.</summary>
    private sealed class Stage
    {
        public BundleCheck Current { get; set; } = BundleCheck.Bundle;
    }

    private static X509Certificate2? LeafCertificate(SigstoreBundle bundle, BundleVerificationMaterial material)
    {
        if (material.PublicKey is not null)
        {
            return null;
        }

        if (material.Certificate is { } certificate)
        {
            return X509CertificateLoader.LoadCertificate(certificate.RawBytes ?? throw Failure("bundle certificate is empty"));
        }

        if (material.X509CertificateChain is { } chain)
        {
            if (bundle.MediaType.EndsWith("version=0.3", StringComparison.Ordinal) || bundle.MediaType.Contains("v0.3", StringComparison.Ordinal))
            {
                throw Failure("v0.3 bundles must carry a single certificate, not a chain");
            }

            IReadOnlyList<BundleCertificate> certificates = chain.Certificates ?? [];
            if (certificates.Count == 0 || certificates[0].RawBytes is not { Length: > 0 })
            {
                throw Failure("bundle certificate chain is empty");
            }

            foreach (BundleCertificate extra in certificates.Skip(1))
            {
                using X509Certificate2 c = X509CertificateLoader.LoadCertificate(extra.RawBytes ?? []);
                if (c.SubjectName.RawData.AsSpan().SequenceEqual(c.IssuerName.RawData))
                {
                    throw Failure("bundle certificate chain contains a root certificate");
                }
            }

            return X509CertificateLoader.LoadCertificate(certificates[0].RawBytes!);
        }

        throw Failure("bundle has neither a public key, a certificate nor a certificate chain");
    }
}
