using Nono.Core.Audit.Events;

namespace Nono.Core.Audit;

/// <summary>Derives <see cref="AuditViolation"/>s from events. One rule per event kind.</summary>
public static class ViolationRules
{
    /// <summary>An egress request was denied by policy.</summary>
    public const string NetworkDenied = "network-denied";

    /// <summary>A filesystem access was denied by the sandbox.</summary>
    public const string FilesystemDenied = "filesystem-denied";

    /// <summary>A protected path (workflow, instruction or policy file) changed.</summary>
    public const string ProtectedPathChanged = "protected-path-changed";

    /// <summary>A git control file (config, hooks, ...) changed: git run after the session could run the agent's code.</summary>
    public const string GitControlChanged = "git-control-changed";

    /// <summary>The session ran with weaker protection than the default.</summary>
    public const string PolicyWeakened = "policy-weakened";

    /// <summary>The violation an event represents, or null when it is not one.</summary>
    public static AuditViolation? Evaluate(long seq, AuditEvent auditEvent) => auditEvent switch
    {
        NetworkEvent { Decision: NetworkDecision.Denied } n => new AuditViolation(
            NetworkDenied, ViolationSeverity.Medium, $"{n.Host}:{n.Port}",
            $"{n.Method ?? "CONNECT"} {n.Host}:{n.Port}{n.Path} denied" + (n.Reason is null ? "" : $" ({n.Reason})"), seq),
        FilesystemDeniedEvent f => new AuditViolation(
            FilesystemDenied, ViolationSeverity.Medium, f.Path,
            $"{f.Access} {f.Path} denied" + (f.Pid is null ? "" : $" (pid {f.Pid})") + (f.Reason is null ? "" : $" ({f.Reason})")
                + (f.Mechanism is null ? "" : $" [seen by {f.Mechanism}]"), seq),
        FileChangedEvent { Protected: true } c => new AuditViolation(
            ProtectedPathChanged, ViolationSeverity.High, c.Path, $"protected path {c.Path} {c.Change.ToString().ToLowerInvariant()}", seq),
        GitControlChangedEvent g => new AuditViolation(
            GitControlChanged, ViolationSeverity.High, g.Path,
            $"git control file {g.Path} {g.Change.ToString().ToLowerInvariant()}: git run after the session would read it" + (g.Restore is null ? "" : $" ({g.Restore})"), seq),
        PolicyWeakenedEvent w => new AuditViolation(
            PolicyWeakened, ViolationSeverity.High, w.Setting,
            $"{w.Setting} weakened from {w.From ?? "?"} to {w.To ?? "?"}" + (w.Reason is null ? "" : $" ({w.Reason})"), seq),
        _ => null,
    };

    /// <summary>All violations of a session, in event order.</summary>
    public static IReadOnlyList<AuditViolation> Evaluate(IEnumerable<AuditRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        List<AuditViolation> found = [];
        foreach (AuditRecord record in records)
        {
            if (record.Event is not null && Evaluate(record.Seq, record.Event) is { } violation)
            {
                found.Add(violation);
            }
        }

        return found;
    }
}
