using System.CommandLine;
using Nono.Action.Cli;

namespace Nono.Action.Commands;

/// <summary><c>nono sigstore verify-bundle</c>.</summary>
internal static class SigstoreCommand
{
    public static Command Create(CliContext context)
    {
        Command sigstore = new("sigstore", "Offline Sigstore bundle verification");
        sigstore.Subcommands.Add(SigstoreVerifyBundleCommand.Create(context));
        return sigstore;
    }
}
