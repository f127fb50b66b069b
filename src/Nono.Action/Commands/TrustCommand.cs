using System.CommandLine;
using Nono.Action.Cli;

namespace Nono.Action.Commands;

/// <summary><c>nono trust keygen</c>.</summary>
internal static class TrustCommand
{
    public static Command Create(CliContext context)
    {
        Command trust = new("trust", "Manage signing keys for attestations");
        trust.Subcommands.Add(TrustKeygenCommand.Create(context));
        return trust;
    }
}
