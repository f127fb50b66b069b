using System.CommandLine;
using Nono.Action.Cli;

namespace Nono.Action.Commands;

/// <summary><c>nono trust keygen | init | sign | verify | list</c>: signing keys and instruction-file trust.</summary>
internal static class TrustCommand
{
    public static Command Create(CliContext context)
    {
        Command trust = new("trust", "Signing keys and instruction-file trust (AGENTS.md, CLAUDE.md, skills, ...)");
        trust.Subcommands.Add(TrustKeygenCommand.Create(context));
        trust.Subcommands.Add(TrustInitCommand.Create(context));
        trust.Subcommands.Add(TrustSignCommand.Create(context));
        trust.Subcommands.Add(TrustVerifyCommand.Create(context));
        trust.Subcommands.Add(TrustListCommand.Create(context));
        return trust;
    }
}
