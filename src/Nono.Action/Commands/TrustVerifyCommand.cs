using System.CommandLine;
using Nono.Action.Cli;
using Nono.Core.Trust.Instructions;

namespace Nono.Action.Commands;

/// <summary>
/// <c>nono trust verify [FILES...] [--trusted-root FILE]</c>: verifies the files (default: every covered
/// instruction file) against the effective trust policy; exit 1 on any finding, whatever the enforcement.
/// </summary>
internal static class TrustVerifyCommand
{
    public static Command Create(CliContext context)
    {
        Argument<string[]> files = new("FILES") { Description = "Files to verify (default: every covered instruction file)", Arity = ArgumentArity.ZeroOrMore };
        Option<string?> trustedRoot = new("--trusted-root") { Description = "Sigstore trusted root for keyless bundles (default: $NONO_SIGSTORE_TRUSTED_ROOT or the cache)" };
        Command command = new("verify", "Verify instruction files against the trust policy") { files, trustedRoot };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (await TrustCommandOutput.ResolveAsync(context, requirePolicy: true, cancellationToken) is not { Policy: { } policy })
            {
                return ExitCodes.NonoError;
            }

            InstructionTrustOptions options = new() { TrustedRoot = await TrustCommandOutput.TrustedRootAsync(context, policy, parse.GetValue(trustedRoot), cancellationToken) };
            TrustVerdict verdict = parse.GetValue(files) is { Length: > 0 } given
                ? await InstructionTrust.VerifyFilesAsync(context.CurrentDirectory, given, policy, options, cancellationToken)
                : await InstructionTrust.VerifyAsync(context.CurrentDirectory, policy, options, cancellationToken);
            TrustCommandOutput.WriteVerdict(context, verdict);
            if (verdict.Findings.Count > 0)
            {
                context.Error.WriteLine($"nono: {verdict.Summary()}");
                return ExitCodes.NonoError;
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
