namespace Nono.Reports.Model;

/// <summary>One audit finding as the reports show it.</summary>
/// <param name="RuleId">Stable identifier, e.g. <c>nono.network.denied</c>.</param>
/// <param name="Severity">How serious it is.</param>
/// <param name="Subject">What it is about: a host, a path, a mode. Untrusted text.</param>
/// <param name="Evidence">Why it was flagged. Untrusted text.</param>
/// <param name="File">Workspace-relative file the finding points at, when there is one.</param>
/// <param name="Line">1-based line in <paramref name="File"/>, when known.</param>
/// <param name="UnverifiedClaim">
/// The finding rests on a record the sandboxed process could shape (the seccomp observer reads paths from its memory), not
/// on a kernel-side one. Every renderer marks it the same way (<see cref="DisplayEvidence"/>, a SARIF result property).
/// </param>
public sealed record ReportViolation(
    string RuleId, Severity Severity, string Subject, string Evidence, string? File = null, int? Line = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)] bool UnverifiedClaim = false)
{
    /// <summary>The text that marks an unverified claim, as the audit writes it.</summary>
    public const string ClaimMarker = "unverified claim: ";

    /// <summary>The evidence as shown: an unverified claim always starts with <see cref="ClaimMarker"/>, and only a claim does.</summary>
    public string DisplayEvidence => !UnverifiedClaim || Evidence.StartsWith(ClaimMarker, StringComparison.Ordinal) ? Evidence : ClaimMarker + Evidence;
}
