using System.CommandLine;
using Nono.Action.Cli;

namespace Nono.Action.Commands;

/// <summary><c>nono audit list|show|verify|cleanup</c>.</summary>
internal static class AuditCommand
{
    public static Command Create(CliContext context)
    {
        Command audit = new("audit", "Inspect and verify the tamper-evident audit trail of supervised sessions");
        audit.Subcommands.Add(AuditListCommand.Create(context));
        audit.Subcommands.Add(AuditShowCommand.Create(context));
        audit.Subcommands.Add(AuditVerifyCommand.Create(context));
        audit.Subcommands.Add(AuditCleanupCommand.Create(context));
        audit.Subcommands.Add(AuditSignCommand.Create(context));
        return audit;
    }
}
