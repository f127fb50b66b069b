using System.Text.Json;
using Nono.Core.Audit;
using Nono.Core.Audit.Events;
using Nono.Core.Trust.Sigstore;
using Nono.Reports.Model;

namespace Nono.Action.ActionMode;

/// <summary>
/// The report's signature section: keyed or keyless (with the certificate's claimed identity), and the command a
/// reviewer runs to verify it. The identity shown is what the certificate claims; the commands verify it.
/// </summary>
internal static class ReportSignature
{
    public static SignatureSummary For(string auditRoot, RunnerIdentity? runner, string sessionId)
    {
        string bundlePath = Path.Combine(auditRoot, sessionId, AuditFormat.AttestationFile);
        if (!File.Exists(bundlePath))
        {
            return new SignatureSummary("none", null, null, null);
        }

        SigstoreBundle? bundle = null;
        try
        {
            bundle = JsonSerializer.Deserialize(File.ReadAllBytes(bundlePath), SigstoreJsonContext.Default.SigstoreBundle);
        }
        catch (JsonException)
        {
            // Shown as keyed; verification will name the damaged signature.
        }

        if (bundle is null || BundleIdentity.Read(bundle) is not { } signer)
        {
            return new SignatureSummary("key", null, AuditFormat.AttestationFile, $"nono audit verify {sessionId} --public-key-file KEY.pub");
        }

        string expect = $"--certificate-identity '{signer.Identity}' --certificate-oidc-issuer '{signer.Issuer}'";
        string command = runner is { Repository: { } repo, RunId: { } run }
            ? $"nono review --repo {repo} --run {run} {expect}"
            : $"nono audit verify {sessionId} {expect}";
        return new SignatureSummary("keyless", signer.Identity, AuditFormat.AttestationFile, command);
    }
}
