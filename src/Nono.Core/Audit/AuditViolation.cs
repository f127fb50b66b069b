namespace Nono.Core.Audit;

/// <summary>A finding derived from a session's events.</summary>
/// <param name="RuleId">Stable rule id, e.g. <c>network-denied</c> (see <see cref="ViolationRules"/>).</param>
/// <param name="Severity">How serious the finding is.</param>
/// <param name="Subject">What it is about: a host, a path, a setting.</param>
/// <param name="Evidence">One line saying what happened.</param>
/// <param name="Seq">The event it was derived from.</param>
public sealed record AuditViolation(string RuleId, ViolationSeverity Severity, string Subject, string Evidence, long Seq)
{
    /// <summary>
    /// The finding rests on what the sandboxed process itself could shape (a seccomp-observer record: the path is read
    /// from its memory), not on a kernel-side record; its evidence starts with <see cref="ViolationRules.UnverifiedClaim"/>.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public bool UnverifiedClaim { get; init; }
}
