using Nono.Action.ActionMode;
using Nono.Action.Cli;
using Nono.Action.GitHub;
using Nono.Core.Audit;
using Nono.Core.Diagnostics;
using Nono.Core.Trust.Keyless;
using Nono.Core.Trust.Sigstore;

namespace Nono.Action.Commands;

internal static partial class ActionCommand
{
    /// <summary>
    /// <c>sign: keyless</c>, or <c>auto</c> when the job has <c>id-token: write</c>. An explicit <c>keyless</c> without
    /// an OIDC token is refused before anything runs.
    /// </summary>
    private static bool KeylessWanted(ActionInputs inputs, RunnerContext runner, CliContext context, List<string> problems)
    {
        bool haveToken = runner.IdTokenAvailable || context.GetEnv("SIGSTORE_ID_TOKEN") is { Length: > 0 };
        if (inputs.Sign == SignMode.Keyless && !haveToken)
        {
            problems.Add("input 'sign': 'keyless' needs 'permissions: id-token: write' on the job (ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN are not set)");
        }

        return inputs.Sign == SignMode.Keyless || (inputs.Sign == SignMode.Auto && runner.IdTokenAvailable);
    }

    /// <summary>
    /// Signs the completed session keylessly: a fresh OIDC token (audience sigstore, fetched after the run because
    /// the tokens are short-lived), an ephemeral key, a Fulcio certificate and a Rekor entry; Fulcio and Rekor come
    /// from NONO_FULCIO_URL / NONO_REKOR_URL or Sigstore's public-good instances. Returns false when signing failed;
    /// the failure is an error when keyless was asked for explicitly, a warning under <c>auto</c>, and always in the summary.
    /// </summary>
    private static async Task<bool> SignKeylessAsync(CliContext context, WorkflowCommands workflow, string stateRoot, string sessionId, bool required, List<string> notes)
    {
        string auditRoot = Path.Combine(stateRoot, "audit");
        if (!File.Exists(Path.Combine(auditRoot, sessionId, AuditFormat.SessionFile)))
        {
            notes.Add("The session record is not signed: no audit session was recorded.");
            return false;
        }

        try
        {
            KeylessSettings settings = KeylessSettings.Resolve(null, null, context.Environment);
            using HttpClient http = new() { Timeout = TimeSpan.FromSeconds(60) };
            string token = await OidcToken.GetAsync(http, context.Environment, CancellationToken.None);
            workflow.AddMask(token);
            SigstoreBundle bundle = await KeylessAuditSigner.SignAsync(auditRoot, sessionId, new KeylessSigner(http, settings), token, CancellationToken.None);
            BundleIdentity? signer = BundleIdentity.Read(bundle);
            long index = bundle.VerificationMaterial?.TlogEntries is { Count: > 0 } entries ? entries[0].LogIndex : -1;
            notes.Add($"The session record is signed keylessly by {signer?.Identity ?? "the workflow's OIDC identity"} (Rekor log index {index}).");
            return true;
        }
        catch (Exception ex) when (ex is NonoException or HttpRequestException or TaskCanceledException or IOException)
        {
            string message = $"nono: keyless signing failed: {ex.Message}";
            if (required)
            {
                workflow.Error(message);
            }
            else
            {
                workflow.Warning(message);
            }

            notes.Add($"The session record is NOT signed: keyless signing failed ({ex.Message}).");
            return false;
        }
    }
}
