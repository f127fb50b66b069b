using System.CommandLine;
using Nono.Action.Cli;
using Nono.Core.Diagnostics;
using Nono.Core.Trust.Keys;

namespace Nono.Action.Commands;

/// <summary><c>nono trust keygen --keyref file://PATH</c>: writes PATH (0600) and PATH.pub.</summary>
internal static class TrustKeygenCommand
{
    public static Command Create(CliContext context)
    {
        Option<string> keyRef = new("--keyref") { Description = "Where to write the private key: file://PATH", Required = true };
        Command command = new("keygen", "Generate an ECDSA P-256 signing key pair") { keyRef };
        command.SetAction(async (parse, cancellationToken) =>
        {
            KeyRef target = KeyRef.Parse(parse.GetRequiredValue(keyRef), context.CurrentDirectory);
            if (target.Kind != KeyRefKind.File)
            {
                throw new NonoException(NonoErrorCode.InvalidPolicy, "keygen writes keys to files only: use --keyref file://PATH");
            }

            using SigningKey key = SigningKey.Generate();
            await key.WriteKeyPairAsync(target.Location, cancellationToken);
            context.Output.WriteLine($"private key: {target.Location} (mode 0600)");
            context.Output.WriteLine($"public key:  {target.Location}.pub");
            context.Output.WriteLine($"key hint:    {key.Hint}");
            return ExitCodes.Success;
        });
        return command;
    }
}
