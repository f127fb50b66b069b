using Nono.Core.Audit.Events;
using Nono.Core.Trust.Sigstore;

namespace Nono.Core.Audit;

public static partial class AuditVerifier
{
    /// <summary>The OIDC issuer of GitHub Actions' workload identity tokens.</summary>
    internal const string GitHubActionsIssuer = "https://token.actions.githubusercontent.com";

    /// <summary>
    /// A keyless certificate from GitHub Actions names the repository and the run attempt that requested it (Fulcio
    /// extensions 1.3.6.1.4.1.57264.1.12 and .1.21): the session must claim exactly that run and attempt, so a token
    /// minted in one run cannot vouch for a session claiming another. Fails closed: a GitHub certificate without the
    /// extensions, a session claiming no run or no attempt, and a session claiming a run its certificate does not name
    /// are all refused. Certificates of other issuers bind nothing unless the session claims a run.
    /// </summary>
    private static void CheckCertificateRun(RunnerIdentity? runner, BundleIdentity? signer, List<string> problems)
    {
        bool gitHubCertificate = signer?.Issuer == GitHubActionsIssuer;
        if (!gitHubCertificate && runner?.Repository is null)
        {
            return;
        }

        if (signer?.SourceRepositoryUri is not { } certificateRepository || signer.RunInvocationUri is not { } certificateRun)
        {
            problems.Add(gitHubCertificate
                ? "the certificate is issued by GitHub Actions but lacks the source repository (1.3.6.1.4.1.57264.1.12) or run invocation (1.3.6.1.4.1.57264.1.21) extension: it cannot be bound to a run"
                : $"the session claims run {runner?.RunId ?? "(none)"} of {runner?.Repository}, but the certificate names no run");
            return;
        }

        if (runner?.Repository is not { } repository)
        {
            problems.Add($"the certificate was issued to run {certificateRun}, but the session claims no run");
            return;
        }

        string repositoryUri = "https://github.com/" + repository;
        if (!string.Equals(certificateRepository, repositoryUri, StringComparison.OrdinalIgnoreCase))
        {
            problems.Add($"the certificate was issued to repository {certificateRepository}, but the session claims {repositoryUri}");
        }

        if (!Digits(runner.RunId) || !Digits(runner.RunAttempt)
            || !string.Equals(certificateRun, $"{repositoryUri}/actions/runs/{runner.RunId}/attempts/{runner.RunAttempt}", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add($"the certificate was issued to run {certificateRun}, but the session claims run {runner.RunId ?? "(none)"} attempt {runner.RunAttempt ?? "(none)"} of {repository}");
        }
    }

    private static bool Digits(string? value) => value is { Length: > 0 } && value.All(char.IsAsciiDigit);
}
