using System.CommandLine;
using Nono.Action.Cli;
using Nono.Core.Diagnostics;
using Nono.Core.Snapshots;

namespace Nono.Action.Commands;

/// <summary><c>nono rollback list|show|restore|verify|cleanup</c>: inspect and apply workspace snapshots.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static partial class RollbackCommand
{
    public static Command Create(CliContext context)
    {
        Command command = new("rollback", "Inspect, verify, restore and clean up workspace snapshots");
        command.Subcommands.Add(CreateList(context));
        command.Subcommands.Add(CreateShow(context));
        command.Subcommands.Add(CreateRestore(context));
        command.Subcommands.Add(CreateVerify(context));
        command.Subcommands.Add(CreateCleanup(context));
        return command;
    }

    internal static SnapshotStore OpenStore(CliContext context) => SnapshotStore.Open(SnapshotStore.DefaultStateRoot(context.Environment));

    private static Command CreateList(CliContext context)
    {
        Option<bool> json = new("--json") { Description = "Print JSON" };
        Command list = new("list", "List rollback sessions, oldest first") { json };
        list.SetAction(parse =>
        {
            IReadOnlyList<SessionInfo> sessions = OpenStore(context).ListSessions();
            if (parse.GetValue(json))
            {
                context.Output.WriteLine(SessionReport.ToJson(sessions));
                return ExitCodes.Success;
            }

            if (sessions.Count == 0)
            {
                context.Output.WriteLine("no rollback sessions");
                return ExitCodes.Success;
            }

            foreach (SessionInfo s in sessions)
            {
                SnapshotInfo? last = s.Snapshots.Count > 0 ? s.Snapshots[^1] : null;
                context.Output.WriteLine($"{s.Id}  {s.CreatedAt:yyyy-MM-dd HH:mm:ss}Z  {s.Snapshots.Count} snapshots  {last?.Files ?? 0} files  {string.Join(',', s.Roots)}");
            }

            return ExitCodes.Success;
        });
        return list;
    }

    private static Command CreateShow(CliContext context)
    {
        Argument<string> id = new("ID") { Description = "Session id" };
        Option<bool> diff = new("--diff") { Description = "Show changes from the baseline to the latest snapshot, with text diffs" };
        Option<bool> json = new("--json") { Description = "Print JSON" };
        Command show = new("show", "Show a session's snapshots and, with --diff, what changed") { id, diff, json };
        show.SetAction(async (parse, ct) =>
        {
            SnapshotSession session = OpenStore(context).OpenSession(parse.GetValue(id)!);
            SnapshotDiff? changes = parse.GetValue(diff) && session.Info.Snapshots.Count > 0
                ? await session.DiffAsync(0, session.Info.Snapshots.Count - 1, includeContent: true, ct)
                : null;
            if (parse.GetValue(json))
            {
                context.Output.WriteLine(new SessionReport { Session = session.Info, Diff = changes }.ToJson());
                return ExitCodes.Success;
            }

            context.Output.WriteLine($"session {session.Id} created {session.Info.CreatedAt:yyyy-MM-dd HH:mm:ss}Z");
            foreach (string root in session.Info.Roots)
            {
                context.Output.WriteLine($"  root {root}");
            }

            foreach (SnapshotInfo s in session.Info.Snapshots)
            {
                context.Output.WriteLine($"  snapshot {s.Index} {s.Label ?? ""} {s.CreatedAt:HH:mm:ss}Z  {s.Files} files  {s.Directories} dirs  {s.Symlinks} symlinks  {s.TotalBytes} bytes  merkle {s.MerkleRoot[..16]}");
            }

            if (changes is not null)
            {
                SessionCommand.WriteDiff(context, changes);
            }

            return ExitCodes.Success;
        });
        return show;
    }
}
