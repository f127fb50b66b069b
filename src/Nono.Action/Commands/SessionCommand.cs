using System.CommandLine;
using Nono.Action.Cli;
using Nono.Core.Diagnostics;
using Nono.Core.Snapshots;
using Nono.Reports.Terminal;

namespace Nono.Action.Commands;

/// <summary><c>nono session diff|rollback|snapshot</c>: act on the most recent rollback session.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class SessionCommand
{
    public static Command Create(CliContext context)
    {
        Command command = new("session", "Act on the most recent rollback session");
        command.Subcommands.Add(CreateDiff(context));
        command.Subcommands.Add(CreateRollback(context));
        command.Subcommands.Add(CreateSnapshot(context));
        return command;
    }

    internal static void WriteDiff(CliContext context, SnapshotDiff diff)
    {
        foreach (SnapshotChange change in diff.Changes)
        {
            string delta = change.SizeDelta >= 0 ? $"+{change.SizeDelta}" : change.SizeDelta.ToString(System.Globalization.CultureInfo.InvariantCulture);
            string mode = change.Kind == ChangeKind.ModeChanged ? $" {Convert.ToString(change.OldMode ?? 0, 8)} -> {Convert.ToString(change.NewMode ?? 0, 8)}" : "";
            context.Output.WriteLine($"{Letter(change.Kind)} {TerminalText.Line(change.Root)}/{TerminalText.Line(change.Path)} ({delta} bytes){mode}");
            if (change.Diff is not null)
            {
                // The file contents were written by the sandboxed process: escapes in them must not drive the terminal.
                string shown = TerminalText.Block(change.Diff);
                context.Output.Write(shown.EndsWith('\n') ? shown : shown + "\n");
            }
        }

        context.Output.WriteLine(diff.Summary());
    }

    private static char Letter(ChangeKind kind) => kind switch
    {
        ChangeKind.Created => 'A',
        ChangeKind.Modified => 'M',
        ChangeKind.Deleted => 'D',
        _ => 'm',
    };

    private static SnapshotSession MostRecent(CliContext context)
    {
        return RollbackCommand.OpenStore(context).MostRecentSession()
            ?? throw new NonoException(NonoErrorCode.InvalidPolicy, "no rollback sessions yet (run with --rollback first)");
    }

    private static Command CreateDiff(CliContext context)
    {
        Option<bool> json = new("--json") { Description = "Print JSON" };
        Command diff = new("diff", "Show what the most recent session changed (baseline to latest snapshot)") { json };
        diff.SetAction(async (parse, ct) =>
        {
            SnapshotSession session = MostRecent(context);
            if (session.Info.Snapshots.Count == 0)
            {
                throw new NonoException(NonoErrorCode.StateCorrupt, $"session '{session.Id}' has no snapshots");
            }

            SnapshotDiff changes = await session.DiffAsync(0, session.Info.Snapshots.Count - 1, includeContent: true, ct);
            if (parse.GetValue(json))
            {
                context.Output.WriteLine(changes.ToJson());
            }
            else
            {
                WriteDiff(context, changes);
            }

            return ExitCodes.Success;
        });
        return diff;
    }

    private static Command CreateRollback(CliContext context)
    {
        Option<bool> dryRun = new("--dry-run") { Description = "Print what would change without touching anything" };
        Option<bool> json = new("--json") { Description = "Print JSON" };
        Command rollback = new("rollback", "Restore the most recent session's baseline snapshot") { dryRun, json };
        rollback.SetAction((parse, ct) =>
            RollbackCommand.RestoreAsync(context, MostRecent(context), 0, parse.GetValue(dryRun), parse.GetValue(json), ct));
        return rollback;
    }

    private static Command CreateSnapshot(CliContext context)
    {
        Argument<string[]> paths = new("PATH") { Description = "Directories to track (new session only)", Arity = ArgumentArity.ZeroOrMore };
        Option<string?> id = new("--session") { Description = "Append to this session, or start it with this id" };
        Option<string[]> exclude = new("--exclude") { Description = "Glob to exclude (repeatable)" };
        Option<string[]> include = new("--include") { Description = "Glob to track even if excluded by default, e.g. .git (repeatable)" };
        Option<bool> noDefaults = new("--no-default-excludes") { Description = "Also track .git, node_modules, target, bin, obj, .venv, __pycache__" };
        Option<string?> label = new("--label") { Description = "Label for the snapshot" };
        Command snapshot = new("snapshot", "Take a snapshot now (starts a session when needed)") { paths, id, exclude, include, noDefaults, label };
        snapshot.SetAction(async (parse, ct) =>
        {
                SnapshotStore store = RollbackCommand.OpenStore(context);
            string sessionId = parse.GetValue(id) ?? SessionId.New(TimeProvider.System);
            string[] roots = [.. (parse.GetValue(paths) ?? []).Select(p => Path.GetFullPath(p, context.CurrentDirectory))];
            SnapshotSession session = SessionId.IsValid(sessionId) && Directory.Exists(Path.Combine(store.RollbacksDirectory, sessionId)) && roots.Length == 0
                ? store.OpenSession(sessionId)
                : SnapshotSession.Begin(store, sessionId, roots, new SnapshotOptions
                {
                    ExcludePatterns = parse.GetValue(exclude) ?? [],
                    IncludePatterns = parse.GetValue(include) ?? [],
                    UseDefaultExcludes = !parse.GetValue(noDefaults),
                });
            RollbackProgress? progress = RollbackProgress.ForTerminal(context);
            SnapshotInfo info = await session.TakeSnapshotAsync(parse.GetValue(label), progress, ct);
            progress?.Clear();
            context.Output.WriteLine($"session {session.Id} snapshot {info.Index}: {info.Files} files, {info.TotalBytes} bytes, {info.FilesRead} read ({info.BytesRead} bytes), merkle {info.MerkleRoot}");
            return ExitCodes.Success;
        });
        return snapshot;
    }
}
