namespace Nono.Action.Commands;

/// <summary><c>nono audit cleanup --json</c>: the sessions removed.</summary>
internal sealed record AuditCleanupOutput(IReadOnlyList<string> Removed);
