using System.Text.Json;
using Nono.Core.Diagnostics;
using Nono.Core.Trust.Dsse;
using Nono.Core.Trust.InToto;
using Nono.Core.Trust.Keys;
using Nono.Core.Trust.Sigstore;

namespace Nono.Core.Audit;

public static partial class AuditVerifier
{
    private static AuditCheck VerifySignature(byte[]? attestation, SessionMetadata? metadata, AuditVerifyOptions options)
    {
        if (attestation is null)
        {
            return options.PublicKeyPem is null && !options.Keyless
                ? new AuditCheck(AuditPart.Signature, AuditCheckStatus.Absent, [])
                : new AuditCheck(AuditPart.Signature, AuditCheckStatus.Failed, [$"{AuditFormat.AttestationFile} is missing but a {(options.Keyless ? "certificate identity" : "public key")} was given"]);
        }

        List<string> problems = [];
        SigstoreBundle? bundle = null;
        try
        {
            bundle = JsonSerializer.Deserialize(attestation, SigstoreJsonContext.Default.SigstoreBundle);
        }
        catch (JsonException ex)
        {
            problems.Add($"{AuditFormat.AttestationFile} does not parse: {ex.Message.ReplaceLineEndings(" ")}");
        }

        DsseEnvelope? envelope = bundle?.DsseEnvelope;
        if (bundle is not null && envelope is null)
        {
            problems.Add("bundle carries no DSSE envelope");
        }

        if (envelope is not null)
        {
            if (envelope.PayloadType != InTotoStatement.PayloadType)
            {
                problems.Add($"unexpected DSSE payload type '{envelope.PayloadType}'");
            }

            CheckStatement(envelope.Payload, metadata, problems);
        }

        if (bundle?.VerificationMaterial is { } material && (material.Certificate is not null || material.X509CertificateChain is not null))
        {
            return VerifyKeyless(bundle, metadata, options, problems);
        }

        if (options.Keyless)
        {
            problems.Add("attestation is signed with a key, not keylessly: a certificate identity cannot match it");
            return Check(AuditPart.Signature, problems);
        }

        if (options.PublicKeyPem is null)
        {
            problems.Insert(0, "no public key given (--public-key-file): the signature was not checked");
            return new AuditCheck(AuditPart.Signature, problems.Count == 1 ? AuditCheckStatus.Unverified : AuditCheckStatus.Failed, problems);
        }

        if (envelope is not null)
        {
            try
            {
                using VerificationKey key = VerificationKey.FromPem(options.PublicKeyPem);
                string hint = SigningKey.PublicKeyHint(key.PublicKeyDer);
                if (bundle?.VerificationMaterial?.PublicKey?.Hint is { } bundleHint && bundleHint != hint)
                {
                    problems.Add("bundle was signed for a different public key (hint mismatch)");
                }

                if (!DsseVerifier.Verify(envelope, key))
                {
                    problems.Add("DSSE signature does not verify with the given public key");
                }
            }
            catch (Exception ex) when (ex is NonoException or FormatException or System.Security.Cryptography.CryptographicException)
            {
                problems.Add($"public key is unusable: {ex.Message}");
            }
        }

        return Check(AuditPart.Signature, problems);
    }

    private static AuditCheck VerifyKeyless(SigstoreBundle bundle, SessionMetadata? metadata, AuditVerifyOptions options, List<string> problems)
    {
        if (!options.Keyless)
        {
            problems.Insert(0, options.PublicKeyPem is null
                ? "signed keylessly: give a certificate identity and OIDC issuer (--certificate-identity, --certificate-oidc-issuer) to check the signer"
                : "attestation is signed keylessly (Fulcio certificate), not with the given public key");
            bool onlyUnchecked = options.PublicKeyPem is null && problems.Count == 1;
            return new AuditCheck(AuditPart.Signature, onlyUnchecked ? AuditCheckStatus.Unverified : AuditCheckStatus.Failed, problems);
        }

        if (options.CertificateIdentity is null || options.CertificateOidcIssuer is null || options.TrustedRoot is null || options.PublicKeyPem is not null)
        {
            problems.Add("keyless verification needs a certificate identity, an OIDC issuer and a trusted root, and no public key");
            return Check(AuditPart.Signature, problems);
        }

        if (metadata?.Integrity is not { } integrity || !ObjectHex(integrity.MerkleRoot))
        {
            problems.Add("cannot check the certificate: session.json has no Merkle root to match");
            return Check(AuditPart.Signature, problems);
        }

        BundleVerificationPolicy policy = new() { CertificateIdentity = options.CertificateIdentity, CertificateOidcIssuer = options.CertificateOidcIssuer };
        BundleVerificationResult result = SigstoreBundleVerifier.Verify(bundle, BundleArtifact.FromDigest("sha256:" + integrity.MerkleRoot), policy, options.TrustedRoot);
        if (result.Verified)
        {
            // The leaf just verified: its CI extensions bind the session's claimed run to the run that signed it.
            BundleIdentity? signer = BundleIdentity.Read(bundle);
            CheckCertificateRun(metadata.Runner, signer, problems);
            return Check(AuditPart.Signature, problems);
        }

        BundleCheck failed = result.FailedCheck ?? BundleCheck.Bundle;
        problems.Add($"{failed.Name()}: {result.Failure}");
        return new AuditCheck(AuditPart.Signature, AuditCheckStatus.Failed, problems) { FailedBundleCheck = failed };
    }

    private static bool ObjectHex(string? value) => value is { Length: 64 } && value.All(char.IsAsciiHexDigitLower);

    private static void CheckStatement(byte[] payload, SessionMetadata? metadata, List<string> problems)
    {
        InTotoStatement? statement;
        AuditPredicate? predicate;
        try
        {
            statement = JsonSerializer.Deserialize(payload, SigstoreJsonContext.Default.InTotoStatement);
            predicate = statement?.Predicate is { } p ? p.Deserialize(AuditJsonContext.Default.AuditPredicate) : null;
        }
        catch (JsonException ex)
        {
            problems.Add($"{AuditFormat.AttestationFile}: statement does not parse: {ex.Message.ReplaceLineEndings(" ")}");
            return;
        }

        if (statement is null || statement.Type != InTotoStatement.TypeV1 || statement.PredicateType != AuditPredicate.Type || predicate is null)
        {
            problems.Add("payload is not a nono audit in-toto Statement v1");
            return;
        }

        IntegritySummary? integrity = metadata?.Integrity;
        if (metadata is null || integrity is null)
        {
            problems.Add("cannot match the statement: session.json has no integrity summary");
            return;
        }

        bool subjectMatches = statement.Subject.Count == 1
            && statement.Subject[0].Name == AuditSigner.SubjectPrefix + metadata.SessionId
            && statement.Subject[0].Digest.TryGetValue("sha256", out string? digest)
            && digest == integrity.MerkleRoot;
        if (!subjectMatches)
        {
            problems.Add("statement subject does not match the session's Merkle root");
        }

        CheckPredicateAgainstMetadata(predicate, metadata, integrity, problems);
    }
}
