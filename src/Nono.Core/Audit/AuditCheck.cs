using Nono.Core.Trust.Sigstore;

namespace Nono.Core.Audit;

/// <summary>The result of checking one part of a session.</summary>
/// <param name="Part">Which part.</param>
/// <param name="Status">Passed, failed, unverified or absent.</param>
/// <param name="Problems">Every problem found in this part (empty when passed).</param>
public sealed record AuditCheck(AuditPart Part, AuditCheckStatus Status, IReadOnlyList<string> Problems)
{
    /// <summary>For a failed keyless signature: the stage of the Sigstore verification that failed (certificate chain, SCT, Rekor entry, identity...).</summary>
    public BundleCheck? FailedBundleCheck { get; init; }
}
