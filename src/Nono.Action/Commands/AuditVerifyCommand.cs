using System.CommandLine;
using System.Text.Json;
using Nono.Action.Cli;
using Nono.Core.Audit;
using Nono.Core.Diagnostics;

namespace Nono.Action.Commands;

/// <summary><c>nono audit verify ID [--public-key-file F] [--json]</c>.</summary>
internal static class AuditVerifyCommand
{
    public static Command Create(CliContext context)
    {
        Argument<string> id = new("ID") { Description = "Session id" };
        Option<string?> key = new("--public-key-file") { Description = "PEM public key the attestation must be signed with" };
        Option<bool> json = new("--json") { Description = "Print JSON" };
        Command command = new("verify", "Verify a session's chain, Merkle root, ledger entry and signature") { id, key, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            string sessionId = AuditCommandPaths.RequireSessionId(parse.GetRequiredValue(id));
            string root = AuditCommandPaths.AuditRoot(context);
            if (!Directory.Exists(Path.Combine(root, sessionId)))
            {
                throw new NonoException(NonoErrorCode.StateCorrupt, $"no audit session '{sessionId}'");
            }

            string? keyPem = null;
            if (parse.GetValue(key) is { } keyFile)
            {
                string keyPath = Path.GetFullPath(keyFile, context.CurrentDirectory);
                if (!File.Exists(keyPath))
                {
                    throw new NonoException(NonoErrorCode.InvalidPolicy, $"public key file not found: {keyFile}", keyPath);
                }

                keyPem = await File.ReadAllTextAsync(keyPath, cancellationToken);
            }

            AuditVerification result = await AuditVerifier.VerifyAsync(root, sessionId, new AuditVerifyOptions { PublicKeyPem = keyPem }, cancellationToken);
            if (parse.GetValue(json))
            {
                context.Output.WriteLine(JsonSerializer.Serialize(result, AuditCliJsonContext.Default.AuditVerification));
            }
            else
            {
                context.Output.WriteLine($"session {sessionId}: {(result.Verified ? "verified" : "FAILED")}");
                foreach (AuditCheck check in result.Checks)
                {
                    string status = check.Status.ToString().ToLowerInvariant();
                    context.Output.WriteLine($"  {Name(check.Part),-12} {(check.Status == AuditCheckStatus.Failed ? "FAILED" : status)}");
                    foreach (string problem in check.Problems)
                    {
                        context.Output.WriteLine($"      {problem}");
                    }
                }
            }

            if (!result.Verified)
            {
                context.Error.WriteLine($"nono: audit verification failed: {string.Join(", ", result.FailedParts.Select(Name))}");
                return ExitCodes.NonoError;
            }

            return ExitCodes.Success;
        });
        return command;
    }

    internal static string Name(AuditPart part) => part switch
    {
        AuditPart.MerkleRoot => "merkle_root",
        _ => part.ToString().ToLowerInvariant(),
    };
}
