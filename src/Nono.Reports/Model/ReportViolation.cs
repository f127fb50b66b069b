namespace Nono.Reports.Model;

/// <summary>One audit finding as the reports show it.</summary>
/// <param name="RuleId">Stable identifier, e.g. <c>nono.network.denied</c>.</param>
/// <param name="Severity">How serious it is.</param>
/// <param name="Subject">What it is about: a host, a path, a mode. Untrusted text.</param>
/// <param name="Evidence">Why it was flagged. Untrusted text.</param>
/// <param name="File">Workspace-relative file the finding points at, when there is one.</param>
/// <param name="Line">1-based line in <paramref name="File"/>, when known.</param>
public sealed record ReportViolation(string RuleId, Severity Severity, string Subject, string Evidence, string? File = null, int? Line = null);
