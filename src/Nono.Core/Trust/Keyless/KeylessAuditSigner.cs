using System.Text.Json;
using Nono.Core.Audit;
using Nono.Core.Diagnostics;
using Nono.Core.Trust.InToto;
using Nono.Core.Trust.Sigstore;

namespace Nono.Core.Trust.Keyless;

/// <summary>
/// Keyless variant of <see cref="AuditSigner"/>: the same in-toto statement (subject: the session's
/// Merkle root) in a DSSE envelope, signed with a Fulcio certificate and logged in Rekor, written as
/// <c>audit-attestation.bundle</c>.
/// </summary>
public static class KeylessAuditSigner
{
    /// <summary>Verifies the session's integrity (refusing a damaged one), signs keylessly, writes and returns the bundle.</summary>
    public static async Task<SigstoreBundle> SignAsync(string auditRoot, string sessionId, KeylessSigner signer, string oidcToken, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(auditRoot);
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        ArgumentNullException.ThrowIfNull(signer);
        AuditVerification integrity = await AuditVerifier.VerifyAsync(auditRoot, sessionId, cancellationToken: cancellationToken);
        AuditPart[] failed = [.. integrity.FailedParts.Where(p => p != AuditPart.Signature)];
        if (failed.Length > 0)
        {
            throw new NonoException(NonoErrorCode.VerificationFailed, $"refusing to sign session {sessionId}: {string.Join(", ", failed)} failed verification");
        }

        SessionMetadata metadata = await new AuditStore(auditRoot).TryLoadAsync(sessionId, cancellationToken)
            ?? throw new NonoException(NonoErrorCode.StateCorrupt, $"no readable audit session '{sessionId}'");
        byte[] payload = JsonSerializer.SerializeToUtf8Bytes(AuditSigner.CreateStatement(metadata), SigstoreJsonContext.Default.InTotoStatement);
        SigstoreBundle bundle = await signer.SignDsseAsync(InTotoStatement.PayloadType, payload, oidcToken, cancellationToken);
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(bundle, SigstoreJsonContext.Default.SigstoreBundle);
        await AtomicFile.WriteAsync(Path.Combine(auditRoot, sessionId, AuditFormat.AttestationFile), json, FileModes.PrivateFile, cancellationToken);
        return bundle;
    }
}
