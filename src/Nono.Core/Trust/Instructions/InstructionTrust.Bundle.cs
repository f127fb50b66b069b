using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Nono.Core.Diagnostics;
using Nono.Core.Trust.Keys;
using Nono.Core.Trust.Sigstore;

namespace Nono.Core.Trust.Instructions;

public static partial class InstructionTrust
{
    private static BundleCheck CheckBundle(byte[] bundleJson, byte[] digest, TrustPolicy policy, InstructionTrustOptions options)
    {
        SigstoreBundle? bundle;
        try
        {
            bundle = JsonSerializer.Deserialize(bundleJson, SigstoreJsonContext.Default.SigstoreBundle);
        }
        catch (JsonException ex)
        {
            return BundleCheck.Fail(TrustFindingReason.InvalidSignature, $"bundle is not valid JSON: {ex.Message.ReplaceLineEndings(" ")}");
        }

        if (bundle?.MessageSignature is not { Signature.Length: > 0 } message || bundle.DsseEnvelope is not null)
        {
            return BundleCheck.Fail(TrustFindingReason.InvalidSignature, "bundle carries no message signature over the file");
        }

        if (message.MessageDigest?.Digest is not { } signedDigest || message.MessageDigest.Algorithm != "SHA2_256")
        {
            return BundleCheck.Fail(TrustFindingReason.InvalidSignature, "bundle has no SHA2_256 message digest");
        }

        if (!CryptographicOperations.FixedTimeEquals(signedDigest, digest))
        {
            return BundleCheck.Fail(TrustFindingReason.Modified, $"content is sha256:{Convert.ToHexStringLower(digest)}, signed was sha256:{Convert.ToHexStringLower(signedDigest)}");
        }

        return bundle.VerificationMaterial?.PublicKey is not null
            ? CheckKeyed(message.Signature, digest, policy)
            : CheckKeyless(bundle, digest, policy, options);
    }

    private static BundleCheck CheckKeyed(byte[] signature, byte[] digest, TrustPolicy policy)
    {
        foreach (TrustPublisher publisher in policy.Publishers.Where(p => p.IsKeyed))
        {
            using VerificationKey key = VerificationKey.FromPem(publisher.PublicKey!);
            if (key.VerifyDigest(digest, signature, HashAlgorithmName.SHA256))
            {
                return BundleCheck.Ok(publisher.Name);
            }
        }

        return BundleCheck.Fail(TrustFindingReason.UnknownPublisher, "the signature verifies with no public key of the policy's publishers");
    }

    private static BundleCheck CheckKeyless(SigstoreBundle bundle, byte[] digest, TrustPolicy policy, InstructionTrustOptions options)
    {
        BundleVerificationMaterial material = bundle.VerificationMaterial!;
        byte[]? leafDer = material.Certificate?.RawBytes ?? (material.X509CertificateChain?.Certificates is [var first, ..] ? first.RawBytes : null);
        if (leafDer is null)
        {
            return BundleCheck.Fail(TrustFindingReason.InvalidSignature, "bundle has neither a public key hint nor a certificate");
        }

        FulcioIdentity identity;
        try
        {
            using X509Certificate2 leaf = X509CertificateLoader.LoadCertificate(leafDer);
            identity = FulcioIdentity.Read(leaf);
        }
        catch (Exception ex) when (ex is CryptographicException or System.Formats.Asn1.AsnContentException)
        {
            return BundleCheck.Fail(TrustFindingReason.InvalidSignature, "bundle certificate is malformed");
        }

        string who = $"{string.Join(", ", identity.SubjectAlternativeNames)} (issuer {identity.Issuer})";
        TrustPublisher[] candidates = [.. policy.Publishers.Where(p => !p.IsKeyed && identity.Issuer == p.Issuer && identity.SubjectAlternativeNames.Any(san => KeylessIdentity.Matches(p, san)))];
        if (candidates.Length == 0)
        {
            return BundleCheck.Fail(TrustFindingReason.UnknownPublisher, $"signed by {who}, which is no publisher of the policy");
        }

        if (options.TrustedRoot is null)
        {
            return BundleCheck.Fail(TrustFindingReason.InvalidSignature, "keyless bundle but no Sigstore trusted root is configured");
        }

        string failure = "";
        foreach (TrustPublisher publisher in candidates)
        {
            string san = identity.SubjectAlternativeNames.First(s => KeylessIdentity.Matches(publisher, s));
            BundleVerificationPolicy expected = new() { CertificateIdentity = san, CertificateOidcIssuer = publisher.Issuer };
            BundleVerificationResult result = SigstoreBundleVerifier.Verify(bundle, BundleArtifact.FromDigest("sha256:" + Convert.ToHexStringLower(digest)), expected, options.TrustedRoot);
            if (result.Verified)
            {
                return BundleCheck.Ok(publisher.Name);
            }

            failure = result.Failure ?? "verification failed";
        }

        return BundleCheck.Fail(TrustFindingReason.InvalidSignature, failure);
    }

    private sealed record BundleCheck(string? Publisher, TrustFindingReason Reason, string Detail)
    {
        public static BundleCheck Ok(string publisher) => new(publisher, default, "");

        public static BundleCheck Fail(TrustFindingReason reason, string detail) => new(null, reason, detail);
    }
}
