using System.Text.Json;
using Nono.Core.Diagnostics;
using Nono.Core.Trust.Dsse;
using Nono.Core.Trust.InToto;
using Nono.Core.Trust.Keys;
using Nono.Core.Trust.Sigstore;

namespace Nono.Core.Audit;

/// <summary>
/// Signs a completed session: an in-toto Statement v1 whose subject is the session's Merkle root,
/// in a DSSE envelope signed with an ECDSA P-256 key, written as a Sigstore bundle v0.3
/// (<c>audit-attestation.bundle</c>) with a public key hint.
/// </summary>
public static class AuditSigner
{
    /// <summary>Subject name prefix of the statement.</summary>
    public const string SubjectPrefix = "nono-audit-session:";

    /// <summary>
    /// Verifies the session's integrity (refusing to sign a damaged session), then writes and
    /// returns its attestation bundle.
    /// </summary>
    public static async Task<SigstoreBundle> SignAsync(string auditRoot, string sessionId, SigningKey key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(auditRoot);
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        ArgumentNullException.ThrowIfNull(key);
        AuditVerification integrity = await AuditVerifier.VerifyAsync(auditRoot, sessionId, cancellationToken: cancellationToken);
        AuditPart[] failed = [.. integrity.FailedParts.Where(p => p != AuditPart.Signature)];
        if (failed.Length > 0)
        {
            throw new NonoException(NonoErrorCode.VerificationFailed, $"refusing to sign session {sessionId}: {string.Join(", ", failed)} failed verification");
        }

        SessionMetadata metadata = await new AuditStore(auditRoot).TryLoadAsync(sessionId, cancellationToken)
            ?? throw new NonoException(NonoErrorCode.StateCorrupt, $"no readable audit session '{sessionId}'");
        SigstoreBundle bundle = CreateBundle(metadata, key);
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(bundle, SigstoreJsonContext.Default.SigstoreBundle);
        await AtomicFile.WriteAsync(Path.Combine(auditRoot, sessionId, AuditFormat.AttestationFile), json, FileModes.PrivateFile, cancellationToken);
        return bundle;
    }

    /// <summary>Builds the statement for a completed session.</summary>
    public static InTotoStatement CreateStatement(SessionMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        IntegritySummary integrity = metadata.Integrity
            ?? throw new NonoException(NonoErrorCode.StateCorrupt, $"session {metadata.SessionId} is not completed");
        AuditPredicate predicate = new()
        {
            SessionId = metadata.SessionId,
            StartedAt = metadata.StartedAt,
            EndedAt = metadata.EndedAt,
            Command = metadata.Command,
            PolicyDigest = metadata.PolicyDigest,
            EnforcementTier = metadata.EnforcementTier,
            ExitCode = metadata.ExitCode,
            Runner = metadata.Runner,
            EventCount = integrity.EventCount,
            ChainHead = integrity.ChainHead,
            MerkleRoot = integrity.MerkleRoot,
            ViolationCount = metadata.ViolationCount ?? 0,
            SnapshotRoots = metadata.SnapshotRoots,
        };
        using JsonDocument predicateJson = JsonDocument.Parse(JsonSerializer.SerializeToUtf8Bytes(predicate, AuditJsonContext.Default.AuditPredicate));
        return new InTotoStatement
        {
            Subject = [new InTotoSubject { Name = SubjectPrefix + metadata.SessionId, Digest = new Dictionary<string, string> { ["sha256"] = integrity.MerkleRoot } }],
            PredicateType = AuditPredicate.Type,
            Predicate = predicateJson.RootElement.Clone(),
        };
    }

    private static SigstoreBundle CreateBundle(SessionMetadata metadata, SigningKey key)
    {
        byte[] payload = JsonSerializer.SerializeToUtf8Bytes(CreateStatement(metadata), SigstoreJsonContext.Default.InTotoStatement);
        byte[] signature = key.Sign(DssePae.Encode(InTotoStatement.PayloadType, payload));
        return new SigstoreBundle
        {
            MediaType = SigstoreBundle.MediaTypeV03,
            VerificationMaterial = new BundleVerificationMaterial
            {
                PublicKey = new BundlePublicKey { Hint = key.Hint },
                TlogEntries = [],
            },
            DsseEnvelope = new DsseEnvelope
            {
                Payload = payload,
                PayloadType = InTotoStatement.PayloadType,
                Signatures = [new DsseSignature { Sig = signature, KeyId = key.Hint }],
            },
        };
    }
}
