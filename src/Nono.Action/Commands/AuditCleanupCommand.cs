using System.CommandLine;
using System.Text.Json;
using Nono.Action.Cli;
using Nono.Core.Audit;
using Nono.Core.Diagnostics;

namespace Nono.Action.Commands;

/// <summary><c>nono audit cleanup [--keep N] [--older-than DAYS]</c>.</summary>
internal static class AuditCleanupCommand
{
    public static Command Create(CliContext context)
    {
        Option<int?> keep = new("--keep") { Description = "Keep the newest N completed sessions" };
        Option<int?> olderThan = new("--older-than") { Description = "Remove completed sessions older than DAYS days" };
        Option<bool> json = new("--json") { Description = "Print JSON" };
        Command command = new("cleanup", "Remove old completed sessions (the ledger keeps their entries)") { keep, olderThan, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            int? keepValue = parse.GetValue(keep);
            int? days = parse.GetValue(olderThan);
            if (keepValue is null && days is null)
            {
                throw new NonoException(NonoErrorCode.InvalidPolicy, "audit cleanup needs --keep N and/or --older-than DAYS");
            }

            if (keepValue is < 0 || days is < 0)
            {
                throw new NonoException(NonoErrorCode.InvalidPolicy, "--keep and --older-than must be 0 or more");
            }

            AuditStore store = new(AuditCommandPaths.AuditRoot(context));
            IReadOnlyList<string> removed = await store.CleanupAsync(keepValue, days is int d ? TimeSpan.FromDays(d) : null, TimeProvider.System, cancellationToken);
            if (parse.GetValue(json))
            {
                context.Output.WriteLine(JsonSerializer.Serialize(new AuditCleanupOutput(removed), AuditCliJsonContext.Default.AuditCleanupOutput));
            }
            else
            {
                foreach (string id in removed)
                {
                    context.Output.WriteLine($"removed {id}");
                }

                context.Output.WriteLine($"{removed.Count} session(s) removed");
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
