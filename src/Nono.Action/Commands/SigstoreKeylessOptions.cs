using System.CommandLine;
using Nono.Action.Cli;
using Nono.Core.Trust.Instructions;
using Nono.Core.Trust.Keyless;
using Nono.Core.Trust.Sigstore;

namespace Nono.Action.Commands;

/// <summary>
/// <c>--keyless [--fulcio-url URL] [--rekor-url URL]</c>, shared by <c>nono trust sign</c> and <c>nono audit sign</c>.
/// URLs default to <c>$NONO_FULCIO_URL</c> / <c>$NONO_REKOR_URL</c>, then Sigstore's public-good instances;
/// the OIDC token comes from <c>SIGSTORE_ID_TOKEN</c> or GitHub Actions (<c>ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN</c>).
/// </summary>
internal sealed class SigstoreKeylessOptions
{
    public Option<bool> Keyless { get; } = new("--keyless") { Description = "Sign with a short-lived Fulcio certificate for the CI's OIDC identity, logged in Rekor" };

    public Option<string?> FulcioUrl { get; } = new("--fulcio-url") { Description = "Fulcio base URL (default: $NONO_FULCIO_URL or https://fulcio.sigstore.dev)" };

    public Option<string?> RekorUrl { get; } = new("--rekor-url") { Description = "Rekor base URL (default: $NONO_REKOR_URL or https://rekor.sigstore.dev)" };

    public void AddTo(Command command)
    {
        command.Options.Add(Keyless);
        command.Options.Add(FulcioUrl);
        command.Options.Add(RekorUrl);
    }

    /// <summary>A signer and a fresh OIDC token.</summary>
    public async Task<(KeylessSigner Signer, string Token, HttpClient Http)> CreateAsync(ParseResult parse, CliContext context, CancellationToken cancellationToken)
    {
        KeylessSettings settings = KeylessSettings.Resolve(parse.GetValue(FulcioUrl), parse.GetValue(RekorUrl), context.Environment);
        HttpClient http = new() { Timeout = TimeSpan.FromSeconds(60) };
        try
        {
            string token = await OidcToken.GetAsync(http, context.Environment, cancellationToken);
            return (new KeylessSigner(http, settings), token, http);
        }
        catch
        {
            http.Dispose();
            throw;
        }
    }

    public async Task<int> SignFilesAsync(ParseResult parse, CliContext context, IReadOnlyList<string> files, CancellationToken cancellationToken)
    {
        (KeylessSigner signer, string token, HttpClient http) = await CreateAsync(parse, context, cancellationToken);
        using (http)
        {
            foreach (string file in files)
            {
                byte[] digest = System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(file, cancellationToken));
                SigstoreBundle bundle = await signer.SignDigestAsync(digest, token, cancellationToken);
                string written = await InstructionSigner.WriteBundleAsync(file, bundle, cancellationToken);
                context.Output.WriteLine($"signed {Path.GetRelativePath(context.CurrentDirectory, file)} -> {Path.GetRelativePath(context.CurrentDirectory, written)} (keyless, Rekor index {bundle.VerificationMaterial!.TlogEntries![0].LogIndex})");
            }
        }

        return ExitCodes.Success;
    }
}
