using System.Globalization;
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

    /// <summary>Something changed inside an excluded path (bin, node_modules, ...): seen by metadata only, no contents recorded.</summary>
    public const string ExcludedPathChanged = "excluded-path-changed";

    /// <summary>Distinct events past the per-session cap were not recorded: the record is incomplete.</summary>
    public const string EventsSuppressed = "events-suppressed";

    /// <summary>Identical events were folded into counts (not a violation of their own: the first of each is one).</summary>
    public const string EventsRepeated = "events-repeated";

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
            ClaimPrefix(f.Mechanism) + $"{f.Access} {f.Path} denied" + (f.Pid is null ? "" : $" (pid {f.Pid})") + (f.Reason is null ? "" : $" ({f.Reason})")
                + (f.Mechanism is null ? "" : $" [seen by {f.Mechanism}]"), seq) { UnverifiedClaim = IsClaim(f.Mechanism) },
        FileChangedEvent { Protected: true } c => new AuditViolation(
            ProtectedPathChanged, ViolationSeverity.High, c.Path, $"protected path {c.Path} {c.Change.ToString().ToLowerInvariant()}", seq),
        GitControlChangedEvent g => new AuditViolation(
            GitControlChanged, ViolationSeverity.High, g.Path,
            $"git control file {g.Path} {g.Change.ToString().ToLowerInvariant()}: git run after the session would read it" + (g.Restore is null ? "" : $" ({g.Restore})"), seq),
        ExcludedPathChangedEvent x => new AuditViolation(
            ExcludedPathChanged, ViolationSeverity.Medium, x.Path,
            $"excluded path {x.Path} {x.Change.ToString().ToLowerInvariant()} ({x.EntriesBefore?.ToString(CultureInfo.InvariantCulture) ?? "none"} -> {x.EntriesAfter?.ToString(CultureInfo.InvariantCulture) ?? "none"} entries)"
                + (x.Complete ? "" : ", too large to walk fully") + ": covered by metadata only, its contents and files are not in the record", seq),
        EventsSuppressedEvent { Suppressed: > 0 } s => new AuditViolation(
            EventsSuppressed, ViolationSeverity.High, s.Kind,
            $"{s.Suppressed.ToString(CultureInfo.InvariantCulture)} {s.Kind} event(s) past the cap of {s.Cap.ToString(CultureInfo.InvariantCulture)} not recorded (record incomplete); {s.Repeated.ToString(CultureInfo.InvariantCulture)} repeat(s) counted", seq),
        EventsSuppressedEvent { Repeated: > 0 } s => new AuditViolation(
            EventsRepeated, ViolationSeverity.Low, s.Kind,
            $"{s.Repeated.ToString(CultureInfo.InvariantCulture)} repeat(s) of recorded {s.Kind} event(s) counted, not written"
                + string.Concat(s.Repeats.Take(3).Select(r => $"; {r.Count.ToString(CultureInfo.InvariantCulture)}x {ClaimPrefix(r.Mechanism)}{r.Access} {r.Subject}")), seq),
        PolicyWeakenedEvent w => new AuditViolation(
            PolicyWeakened, ViolationSeverity.High, w.Setting,
            $"{w.Setting} weakened from {w.From ?? "?"} to {w.To ?? "?"}" + (w.Reason is null ? "" : $" ({w.Reason})"), seq),
        _ => null,
    };

    /// <summary>
    /// The seccomp observer reads the path from the sandboxed process's memory, which the process can change before or
    /// after the kernel reads it: its records are claims the process can shape, unlike landlock-audit's (kernel-side).
    /// </summary>
    public const string UnverifiedClaim = "unverified claim: ";

    private static bool IsClaim(string? mechanism) => mechanism == Observers.ObserverMechanisms.SeccompObserver;

    private static string ClaimPrefix(string? mechanism) => IsClaim(mechanism) ? UnverifiedClaim : "";

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
