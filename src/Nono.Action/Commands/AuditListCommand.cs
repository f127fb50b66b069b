using System.CommandLine;
using System.Text.Json;
using Nono.Action.Cli;
using Nono.Core.Audit;

namespace Nono.Action.Commands;

/// <summary><c>nono audit list [--json]</c>.</summary>
internal static class AuditListCommand
{
    public static Command Create(CliContext context)
    {
        Option<bool> json = new("--json") { Description = "Print JSON" };
        Command command = new("list", "List recorded sessions, newest first") { json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            (IReadOnlyList<SessionMetadata> sessions, IReadOnlyList<UnreadableSession> unreadable) =
                await new AuditStore(AuditCommandPaths.AuditRoot(context)).ListAllAsync(cancellationToken);
            foreach (UnreadableSession u in unreadable)
            {
                // On stderr, so that --json stays a list of sessions; the listing still succeeds.
                context.Error.WriteLine($"nono: audit session '{Nono.Reports.Terminal.TerminalText.Line(u.SessionId)}' is unreadable: {Nono.Reports.Terminal.TerminalText.Line(u.Problem)}");
            }

            if (parse.GetValue(json))
            {
                context.Output.WriteLine(JsonSerializer.Serialize(sessions, AuditCliJsonContext.Default.IReadOnlyListSessionMetadata));
                return ExitCodes.Success;
            }

            if (sessions.Count == 0)
            {
                context.Output.WriteLine(unreadable.Count == 0 ? "no audit sessions" : "no readable audit sessions");
                return ExitCodes.Success;
            }

            foreach (SessionMetadata s in sessions)
            {
                string outcome = s.Status == SessionStatus.Running ? "running" : s.Signal is int sig ? $"signal {sig}" : $"exit {s.ExitCode}";
                string violations = s.ViolationCount is > 0 ? $"  {s.ViolationCount} violation(s)" : "";
                // session.json is unsigned: the time is shown in UTC whatever offset it carries, the command cleaned of escapes.
                string started = s.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
                context.Output.WriteLine($"{Nono.Reports.Terminal.TerminalText.Line(s.SessionId)}  {started}Z  {outcome,-9}{violations}  {Nono.Reports.Terminal.TerminalText.Line(string.Join(' ', s.Command))}");
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
