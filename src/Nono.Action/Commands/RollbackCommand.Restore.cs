using System.CommandLine;
using Nono.Action.Cli;
using Nono.Core.Diagnostics;
using Nono.Core.Snapshots;
using Nono.Reports.Terminal;

namespace Nono.Action.Commands;

internal static partial class RollbackCommand
{
    private static Command CreateRestore(CliContext context)
    {
        Argument<string> id = new("ID") { Description = "Session id" };
        Option<int?> snapshot = new("--snapshot") { Description = "Snapshot index to restore (default 0, the baseline)" };
        Option<bool> dryRun = new("--dry-run") { Description = "Print what would change without touching anything" };
        Option<bool> json = new("--json") { Description = "Print JSON" };
        Command restore = new("restore", "Bring the tracked directories back to a snapshot") { id, snapshot, dryRun, json };
        restore.SetAction(async (parse, ct) =>
        {
            SnapshotSession session = OpenStore(context).OpenSession(parse.GetValue(id)!);
            return await RestoreAsync(context, session, parse.GetValue(snapshot) ?? 0, parse.GetValue(dryRun), parse.GetValue(json), ct);
        });
        return restore;
    }

    internal static async Task<int> RestoreAsync(CliContext context, SnapshotSession session, int index, bool dryRun, bool json, CancellationToken cancellationToken)
    {
        if (context.GetEnv(RestoreTestHooks.ProcLinkVariable) == "1")
        {
            RestoreTestHooks.LinkThroughProc();
        }

        RollbackProgress? progress = RollbackProgress.ForTerminal(context);
        RestoreResult result = await session.RestoreAsync(index, dryRun, progress, cancellationToken);
        progress?.Clear();
        if (json)
        {
            context.Output.WriteLine(result.ToJson());
            return ExitCodes.Success;
        }

        if (dryRun)
        {
            foreach (RestoreAction action in result.Actions)
            {
                context.Output.WriteLine($"{action.Action,-8} {TerminalText.Line(action.Location)}");
            }
        }

        context.Output.WriteLine(result.Summary());
        if (result.Roots.Count > 1)
        {
            foreach (string line in result.RootSummaries())
            {
                context.Output.WriteLine(TerminalText.Line(line));
            }
        }
        return ExitCodes.Success;
    }

    private static Command CreateVerify(CliContext context)
    {
        Argument<string> id = new("ID") { Description = "Session id" };
        Option<bool> json = new("--json") { Description = "Print JSON" };
        Command verify = new("verify", "Check every snapshot's Merkle root and every stored object's hash") { id, json };
        verify.SetAction(async (parse, ct) =>
        {
            SnapshotSession session = OpenStore(context).OpenSession(parse.GetValue(id)!);
            VerifyResult result = await session.VerifyAsync(ct);
            if (parse.GetValue(json))
            {
                context.Output.WriteLine(result.ToJson());
            }
            else if (result.Ok)
            {
                context.Output.WriteLine($"session {result.Session}: {result.Snapshots} snapshots and {result.Objects} objects verified");
            }
            else
            {
                foreach (string problem in result.Problems)
                {
                    context.Error.WriteLine($"nono: {problem}");
                }
            }

            return result.Ok ? ExitCodes.Success : ExitCodes.NonoError;
        });
        return verify;
    }

    private static Command CreateCleanup(CliContext context)
    {
        Option<int?> keep = new("--keep") { Description = "Keep only the N most recent sessions" };
        Option<double?> olderThan = new("--older-than") { Description = "Remove sessions older than DAYS" };
        Option<long?> maxBytes = new("--max-bytes") { Description = "Remove oldest sessions until the store fits in BYTES" };
        Option<bool> dryRun = new("--dry-run") { Description = "Print what would be removed" };
        Option<bool> json = new("--json") { Description = "Print JSON" };
        Command cleanup = new("cleanup", "Remove old sessions and unreferenced objects") { keep, olderThan, maxBytes, dryRun, json };
        cleanup.SetAction(async (parse, ct) =>
        {
            RetentionPolicy policy = new()
            {
                KeepCount = parse.GetValue(keep),
                OlderThan = parse.GetValue(olderThan) is double days ? TimeSpan.FromDays(days) : null,
                MaxTotalBytes = parse.GetValue(maxBytes),
            };
            RetentionResult result = await OpenStore(context).CleanupAsync(policy, parse.GetValue(dryRun), ct);
            if (parse.GetValue(json))
            {
                context.Output.WriteLine(result.ToJson());
                return ExitCodes.Success;
            }

            foreach (string session in result.RemovedSessions)
            {
                context.Output.WriteLine($"{(result.DryRun ? "would remove" : "removed")} session {session}");
            }

            context.Output.WriteLine(result.Summary());
            return ExitCodes.Success;
        });
        return cleanup;
    }
}
