using System.CommandLine;
using Nono.Action.Cli;
using Nono.Core.Audit;
using Nono.Core.Diagnostics;
using Nono.Core.Trust.Keyless;
using Nono.Core.Trust.Keys;

namespace Nono.Action.Commands;

/// <summary><c>nono audit sign ID (--keyref file://PATH|env://VAR | --keyless)</c>: writes audit-attestation.bundle.</summary>
internal static class AuditSignCommand
{
    public static Command Create(CliContext context)
    {
        Argument<string> id = new("ID") { Description = "Session id" };
        Option<string?> keyRef = new("--keyref") { Description = "Signing key: file://PATH or env://VAR (PEM, ECDSA P-256)" };
        SigstoreKeylessOptions keyless = new();
        Command command = new("sign", "Sign a completed session as a Sigstore bundle (DSSE, in-toto Statement v1)") { id, keyRef };
        keyless.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            string sessionId = AuditCommandPaths.RequireSessionId(parse.GetRequiredValue(id));
            string root = AuditCommandPaths.AuditRoot(context);
            if ((parse.GetValue(keyRef) is null) != parse.GetValue(keyless.Keyless))
            {
                throw new NonoException(NonoErrorCode.InvalidPolicy, "give exactly one of --keyref URI or --keyless");
            }

            if (parse.GetValue(keyless.Keyless))
            {
                (KeylessSigner signer, string token, HttpClient http) = await keyless.CreateAsync(parse, context, cancellationToken);
                using (http)
                {
                    await KeylessAuditSigner.SignAsync(root, sessionId, signer, token, cancellationToken);
                }
            }
            else
            {
                using SigningKey key = SigningKey.Load(KeyRef.Parse(parse.GetValue(keyRef)!, context.CurrentDirectory), context.Environment);
                await AuditSigner.SignAsync(root, sessionId, key, cancellationToken);
            }

            context.Output.WriteLine($"signed {sessionId}: {Path.Combine(root, sessionId, AuditFormat.AttestationFile)}");
            return ExitCodes.Success;
        });
        return command;
    }
}
