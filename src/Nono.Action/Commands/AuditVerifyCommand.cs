using System.CommandLine;
using System.Text.Json;
using Nono.Action.Cli;
using Nono.Core.Audit;
using Nono.Core.Diagnostics;
using Nono.Core.Trust.Sigstore;
using Nono.Reports.Terminal;

namespace Nono.Action.Commands;

/// <summary>
/// <c>nono audit verify ID [--public-key-file F | --certificate-identity ID --certificate-oidc-issuer URL [--trusted-root FILE]] [--json]</c>.
/// A keyless attestation is checked against the trusted root: certificate chain, SCT, Rekor entry, identity. Exit 0 means
/// nothing failed; it means "signed by the expected signer" only when a key or identity was given (the verdict line says
/// "verified" then, "integrity only" otherwise).
/// </summary>
internal static class AuditVerifyCommand
{
    public static Command Create(CliContext context)
    {
        Argument<string> id = new("ID") { Description = "Session id" };
        Option<string?> key = new("--public-key-file") { Description = "PEM public key the attestation must be signed with" };
        Option<bool> json = new("--json") { Description = "Print JSON" };
        KeylessVerifyOptions keyless = new();
        Command command = new("verify", "Verify a session's chain, Merkle root, ledger entry and signature") { id, key, json };
        keyless.AddTo(command);
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

            AuditVerifyOptions options = await keyless.ResolveAsync(parse, context, new AuditVerifyOptions { PublicKeyPem = keyPem }, cancellationToken);
            AuditVerification result = await AuditVerifier.VerifyAsync(root, sessionId, options, cancellationToken);
            if (parse.GetValue(json))
            {
                context.Output.WriteLine(JsonSerializer.Serialize(result, AuditCliJsonContext.Default.AuditVerification));
            }
            else
            {
                context.Output.WriteLine($"session {sessionId}: {Verdict(result)}");
                foreach (AuditCheck check in result.Checks)
                {
                    string status = check.Status.ToString().ToLowerInvariant();
                    context.Output.WriteLine($"  {Name(check.Part),-12} {(check.Status == AuditCheckStatus.Failed ? "FAILED" : status)}");
                    foreach (string problem in check.Problems)
                    {
                        context.Output.WriteLine($"      {TerminalText.Line(problem)}");
                    }
                }
            }

            if (!result.Verified)
            {
                context.Error.WriteLine($"nono: audit verification failed: {FailedParts(result)}");
                return ExitCodes.NonoError;
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>
    /// "verified" only when the signature was checked too. Without a key or identity the exit code stays 0 when nothing
    /// failed (integrity holds), but the verdict says the signature was not checked: anyone can rebuild an unsigned
    /// record, so integrity alone does not say who wrote it (docs/audit.md).
    /// </summary>
    internal static string Verdict(AuditVerification result)
    {
        AuditCheckStatus signature = result.Checks.FirstOrDefault(c => c.Part == AuditPart.Signature)?.Status ?? AuditCheckStatus.Absent;
        return !result.Verified ? "FAILED"
            : signature == AuditCheckStatus.Passed ? "verified"
            : signature == AuditCheckStatus.Absent ? "integrity only (not signed): signature NOT checked"
            : "integrity only: signature NOT checked (give --public-key-file or --certificate-identity)";
    }

    /// <summary>The failed parts, a keyless signature with its failed stage: "chain, signature (sct)".</summary>
    internal static string FailedParts(AuditVerification result) => string.Join(", ", result.Checks
        .Where(c => c.Status == AuditCheckStatus.Failed)
        .Select(c => c.FailedBundleCheck is { } stage ? $"{Name(c.Part)} ({stage.Name()})" : Name(c.Part)));

    internal static string Name(AuditPart part) => part switch
    {
        AuditPart.MerkleRoot => "merkle_root",
        _ => part.ToString().ToLowerInvariant(),
    };
}
