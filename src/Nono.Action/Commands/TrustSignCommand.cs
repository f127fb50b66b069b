using System.CommandLine;
using Nono.Action.Cli;
using Nono.Core.Diagnostics;
using Nono.Core.Trust.Instructions;
using Nono.Core.Trust.Keys;

namespace Nono.Action.Commands;

/// <summary>
/// <c>nono trust sign [FILES...] (--keyref URI | --keyless)</c>: writes <c>FILE.bundle</c> beside each
/// file. Without FILES, signs every file the workspace policy (or the default globs) covers.
/// </summary>
internal static class TrustSignCommand
{
    public static Command Create(CliContext context)
    {
        Argument<string[]> files = new("FILES") { Description = "Files to sign (default: every covered instruction file)", Arity = ArgumentArity.ZeroOrMore };
        Option<string?> keyRef = new("--keyref") { Description = "Signing key: file://PATH or env://VAR (PEM, ECDSA P-256)" };
        SigstoreKeylessOptions keyless = new();
        Command command = new("sign", "Sign instruction files as Sigstore bundles (FILE.bundle)") { files, keyRef };
        keyless.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            string? reference = parse.GetValue(keyRef);
            bool useKeyless = parse.GetValue(keyless.Keyless);
            if ((reference is null) != useKeyless)
            {
                throw new NonoException(NonoErrorCode.InvalidPolicy, "give exactly one of --keyref URI or --keyless");
            }

            string[] targets = parse.GetValue(files) is { Length: > 0 } given
                ? [.. given.Select(f => Path.GetFullPath(f, context.CurrentDirectory))]
                : [.. InstructionTrust.CoveredFiles(context.CurrentDirectory, await WorkspacePolicyAsync(context, cancellationToken)).Select(f => Path.Combine(context.CurrentDirectory, f))];
            foreach (string target in targets.Where(t => !File.Exists(t)))
            {
                throw new NonoException(NonoErrorCode.InvalidPolicy, $"file not found: {target}", target);
            }

            if (targets.Length == 0)
            {
                context.Error.WriteLine("nono: no instruction files to sign");
                return ExitCodes.NonoError;
            }

            if (useKeyless)
            {
                return await keyless.SignFilesAsync(parse, context, targets, cancellationToken);
            }

            using SigningKey key = SigningKey.Load(KeyRef.Parse(reference!, context.CurrentDirectory), context.Environment);
            foreach (string target in targets)
            {
                string bundle = await InstructionSigner.SignFileAsync(target, key, cancellationToken);
                context.Output.WriteLine($"signed {Path.GetRelativePath(context.CurrentDirectory, target)} -> {Path.GetRelativePath(context.CurrentDirectory, bundle)}");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The workspace policy's globs when it parses, else the defaults (signing needs no pinning).</summary>
    private static async Task<TrustPolicy> WorkspacePolicyAsync(CliContext context, CancellationToken cancellationToken)
    {
        string path = Path.Combine(context.CurrentDirectory, TrustPolicy.FileName);
        if (!File.Exists(path))
        {
            return new TrustPolicy();
        }

        TrustPolicyReadResult read = await TrustPolicyReader.LoadAsync(path, cancellationToken);
        return read.Policy ?? throw new NonoException(NonoErrorCode.InvalidPolicy, string.Join("; ", read.Problems), path);
    }
}
