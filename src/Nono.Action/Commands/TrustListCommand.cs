using System.CommandLine;
using Nono.Action.Cli;
using Nono.Core.Trust.Instructions;

namespace Nono.Action.Commands;

/// <summary>
/// <c>nono trust list [--json] [--trusted-root FILE]</c>: every covered instruction file with its status
/// under the effective policy (the default globs, no publishers, when there is none).
/// </summary>
internal static class TrustListCommand
{
    public static Command Create(CliContext context)
    {
        Option<bool> json = new("--json") { Description = "Print the verdict as JSON" };
        Option<string?> trustedRoot = new("--trusted-root") { Description = "Sigstore trusted root for keyless bundles" };
        Command command = new("list", "List covered instruction files and their trust status") { json, trustedRoot };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (await TrustCommandOutput.ResolveAsync(context, requirePolicy: false, cancellationToken) is not { } resolution)
            {
                return ExitCodes.NonoError;
            }

            TrustPolicy policy = resolution.Policy ?? new TrustPolicy();
            InstructionTrustOptions options = new() { TrustedRoot = await TrustCommandOutput.TrustedRootAsync(context, policy, parse.GetValue(trustedRoot), cancellationToken) };
            TrustVerdict verdict = await InstructionTrust.VerifyAsync(context.CurrentDirectory, policy, options, cancellationToken);
            if (parse.GetValue(json))
            {
                context.Output.WriteLine(verdict.ToJson());
            }
            else
            {
                TrustCommandOutput.WriteVerdict(context, verdict);
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
