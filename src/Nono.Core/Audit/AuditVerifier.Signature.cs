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
            return options.PublicKeyPem is null
                ? new AuditCheck(AuditPart.Signature, AuditCheckStatus.Absent, [])
                : new AuditCheck(AuditPart.Signature, AuditCheckStatus.Failed, [$"{AuditFormat.AttestationFile} is missing but a public key was given"]);
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
            problems.Add($"statement does not parse: {ex.Message.ReplaceLineEndings(" ")}");
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

        if (predicate.SessionId != metadata.SessionId || predicate.ChainHead != integrity.ChainHead
            || predicate.MerkleRoot != integrity.MerkleRoot || predicate.EventCount != integrity.EventCount)
        {
            problems.Add("statement predicate (session id, chain head, Merkle root, event count) does not match the session");
        }
    }
}
