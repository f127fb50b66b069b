namespace Nono.Core.Audit;

/// <summary>The verdict of <see cref="AuditVerifier.VerifyAsync"/>: one check per part.</summary>
/// <param name="SessionId">The session verified.</param>
/// <param name="Checks">Checks in a fixed order: metadata, chain, merkle root, ledger, signature.</param>
public sealed record AuditVerification(string SessionId, IReadOnlyList<AuditCheck> Checks)
{
    /// <summary>True when no part failed. A present but unverifiable signature does not fail, and is reported as such.</summary>
    public bool Verified => Checks.All(c => c.Status != AuditCheckStatus.Failed);

    /// <summary>
    /// True only when the signature was checked against a given key or certificate identity and passed. Without it,
    /// <see cref="Verified"/> means integrity only: anyone can rebuild an unsigned record.
    /// </summary>
    public bool SignatureChecked => Checks.Any(c => c.Part == AuditPart.Signature && c.Status == AuditCheckStatus.Passed);

    /// <summary>The parts that failed.</summary>
    public IEnumerable<AuditPart> FailedParts => Checks.Where(c => c.Status == AuditCheckStatus.Failed).Select(c => c.Part);
}
