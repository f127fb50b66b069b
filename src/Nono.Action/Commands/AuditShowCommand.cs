using System.CommandLine;
using System.Text.Json;
using Nono.Action.Cli;
using Nono.Core.Audit;
using Nono.Core.Audit.Events;
using Nono.Core.Diagnostics;
using Nono.Reports.Terminal;

namespace Nono.Action.Commands;

/// <summary><c>nono audit show ID [--json]</c>: the session's events with violations highlighted.</summary>
internal static class AuditShowCommand
{
    public static Command Create(CliContext context)
    {
        Argument<string> id = new("ID") { Description = "Session id" };
        Option<bool> json = new("--json") { Description = "Print JSON" };
        Command command = new("show", "Show a session's events; violations are highlighted") { id, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            string sessionId = AuditCommandPaths.RequireSessionId(parse.GetRequiredValue(id));
            AuditStore store = new(AuditCommandPaths.AuditRoot(context));
            (SessionMetadata? loaded, string? problem) = await store.LoadAsync(sessionId, cancellationToken);
            SessionMetadata session = loaded ?? throw new NonoException(
                NonoErrorCode.StateCorrupt,
                problem is null ? $"no audit session '{sessionId}'" : $"audit session '{sessionId}' is unreadable: {TerminalText.Line(problem)}");
            IReadOnlyList<AuditRecord> records = await store.ReadEventsAsync(sessionId, cancellationToken);
            IReadOnlyList<AuditViolation> violations = ViolationRules.Evaluate(records);
            if (parse.GetValue(json))
            {
                AuditShowOutput output = new(session, [.. records.Select(r => new AuditShowEvent(r.Seq, r.Event))], violations);
                context.Output.WriteLine(JsonSerializer.Serialize(output, AuditCliJsonContext.Default.AuditShowOutput));
                return ExitCodes.Success;
            }

            context.Output.WriteLine($"session   {session.SessionId} ({(session.Status == SessionStatus.Completed ? "completed" : "running or crashed")})");
            context.Output.WriteLine($"command   {TerminalText.Line(string.Join(' ', session.Command))}");
            context.Output.WriteLine($"policy    {TerminalText.Line(session.PolicyDigest ?? "-")}  tier {TerminalText.Line(session.EnforcementTier ?? "-")}  landlock abi {session.LandlockAbi?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}");
            if (session.Integrity is { } integrity)
            {
                context.Output.WriteLine($"integrity {integrity.EventCount} events  merkle root {integrity.MerkleRoot}");
            }

            Dictionary<long, AuditViolation> bySeq = violations.ToDictionary(v => v.Seq);
            foreach (AuditRecord record in records)
            {
                bool flagged = bySeq.TryGetValue(record.Seq, out AuditViolation? violation);
                string marker = flagged ? "!!" : "  ";
                context.Output.WriteLine($"{marker} {record.Seq,4} {record.Event?.Timestamp:HH:mm:ss.fff} {TerminalText.Line(Describe(record.Event))}");
                if (violation is not null)
                {
                    context.Output.WriteLine($"         VIOLATION [{violation.Severity.ToString().ToUpperInvariant()}] {violation.RuleId}: {TerminalText.Line(violation.Evidence)}");
                }
            }

            context.Output.WriteLine(violations.Count == 0 ? "no violations" : $"{violations.Count} violation(s)");
            return ExitCodes.Success;
        });
        return command;
    }

    private static string Describe(AuditEvent? e) => e switch
    {
        null => "(unreadable event)",
        SessionStartedEvent s => $"session started: {string.Join(' ', s.Command)}",
        DnsTrapUnavailableEvent d => $"network status: dns-trap-unavailable:{d.Reason}",
        NetworkEvent n => $"network {n.Decision.ToString().ToLowerInvariant()}: {n.Method ?? "CONNECT"} {n.Host}:{n.Port}{n.Path}",
        FilesystemDeniedEvent f => $"filesystem denied: {f.Access} {f.Path}" + (f.Mechanism is null ? "" : $" [{f.Mechanism}]"),
        FilesystemObserversEvent o => $"filesystem observers: {string.Join("; ", o.Observers)}",
        ProcessStartedEvent p => $"process started: pid {p.Pid} {p.Executable}",
        ProcessExitedEvent p => $"process exited: pid {p.Pid} " + (p.Signal is int sig ? $"signal {sig}" : $"exit {p.ExitCode}"),
        FileChangedEvent c => $"file {c.Change.ToString().ToLowerInvariant()}: {c.Path}" + (c.Protected ? " (protected)" : ""),
        GitControlChangedEvent g => $"git control file {g.Change.ToString().ToLowerInvariant()}: {g.Path}",
        PolicyWeakenedEvent w => $"policy weakened: {w.Setting} {w.From} -> {w.To}",
        SessionEndedEvent s => $"session ended: " + (s.Signal is int sig ? $"signal {sig}" : $"exit {s.ExitCode}") + $" after {s.DurationMs} ms",
        _ => e.GetType().Name,
    };
}
