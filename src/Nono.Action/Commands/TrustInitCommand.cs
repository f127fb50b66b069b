using System.CommandLine;
using Nono.Action.Cli;
using Nono.Core.Diagnostics;
using Nono.Core.Trust.Instructions;
using Nono.Core.Trust.Keys;

namespace Nono.Action.Commands;

/// <summary>
/// <c>nono trust init [--keyref URI] [--enforcement deny|warn|audit]</c>: writes <c>trust-policy.json</c>
/// in the current directory with the default instruction-file globs; <c>--keyref</c> makes that key
/// (private key, or its <c>.pub</c>) a trusted publisher. Never overwrites an existing policy.
/// </summary>
internal static class TrustInitCommand
{
    public static Command Create(CliContext context)
    {
        Option<string?> keyRef = new("--keyref") { Description = "Key of a trusted publisher: file://PATH (private or public PEM) or env://VAR" };
        Option<TrustEnforcement> enforcement = new("--enforcement") { Description = "deny (default), warn or audit", DefaultValueFactory = _ => TrustEnforcement.Deny };
        Command command = new("init", $"Write {TrustPolicy.FileName} with the default instruction-file globs") { keyRef, enforcement };
        command.SetAction(async (parse, cancellationToken) =>
        {
            string path = Path.Combine(context.CurrentDirectory, TrustPolicy.FileName);
            List<TrustPublisher> publishers = [];
            if (parse.GetValue(keyRef) is { } reference)
            {
                string pem = PublicKeyPem(KeyRef.Parse(reference, context.CurrentDirectory), context);
                publishers.Add(new TrustPublisher { Name = "key:" + PublisherName(pem), PublicKey = pem });
            }

            TrustPolicy policy = new() { Publishers = publishers, Enforcement = parse.GetValue(enforcement) };
            if (File.Exists(path))
            {
                throw new NonoException(NonoErrorCode.InvalidPolicy, $"refusing to overwrite existing {path}", path);
            }

            // Temp file + rename without overwrite: readers never see half a policy, and a policy that
            // appeared meanwhile is kept.
            string temp = Path.Combine(context.CurrentDirectory, $".{TrustPolicy.FileName}.{Guid.NewGuid():N}.tmp");
            try
            {
                await File.WriteAllBytesAsync(temp, TrustPolicyReader.Serialize(policy), cancellationToken);
                File.Move(temp, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                throw new NonoException(NonoErrorCode.InvalidPolicy, $"refusing to overwrite existing {path}", path);
            }
            finally
            {
                File.Delete(temp);
            }

            context.Output.WriteLine($"wrote {path} ({publishers.Count} publisher(s), enforcement {TrustCommandOutput.Text(policy.Enforcement)})");
            return ExitCodes.Success;
        });
        return command;
    }

    private static string PublicKeyPem(KeyRef reference, CliContext context)
    {
        if (reference.Kind == KeyRefKind.File && File.Exists(reference.Location) && File.ReadAllText(reference.Location).Contains("BEGIN PUBLIC KEY", StringComparison.Ordinal))
        {
            string pem = File.ReadAllText(reference.Location);
            using VerificationKey check = VerificationKey.FromPem(pem);
            return pem;
        }

        using SigningKey key = SigningKey.Load(reference, context.Environment);
        return key.PublicKeyPem;
    }

    private static string PublisherName(string pem)
    {
        using VerificationKey key = VerificationKey.FromPem(pem);
        return SigningKey.PublicKeyHint(key.PublicKeyDer);
    }
}
