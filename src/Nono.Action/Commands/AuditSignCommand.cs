using System.CommandLine;
using Nono.Action.Cli;
using Nono.Core.Audit;
using Nono.Core.Trust.Keys;

namespace Nono.Action.Commands;

/// <summary><c>nono audit sign ID --keyref file://PATH|env://VAR</c>: writes audit-attestation.bundle.</summary>
internal static class AuditSignCommand
{
    public static Command Create(CliContext context)
    {
        Argument<string> id = new("ID") { Description = "Session id" };
        Option<string> keyRef = new("--keyref") { Description = "Signing key: file://PATH or env://VAR (PEM, ECDSA P-256)", Required = true };
        Command command = new("sign", "Sign a completed session as a Sigstore bundle (DSSE, in-toto Statement v1)") { id, keyRef };
        command.SetAction(async (parse, cancellationToken) =>
        {
            string sessionId = AuditCommandPaths.RequireSessionId(parse.GetRequiredValue(id));
            using SigningKey key = SigningKey.Load(KeyRef.Parse(parse.GetRequiredValue(keyRef), context.CurrentDirectory), context.Environment);
            string root = AuditCommandPaths.AuditRoot(context);
            await AuditSigner.SignAsync(root, sessionId, key, cancellationToken);
            context.Output.WriteLine($"signed {sessionId}: {Path.Combine(root, sessionId, AuditFormat.AttestationFile)}");
            return ExitCodes.Success;
        });
        return command;
    }
}
