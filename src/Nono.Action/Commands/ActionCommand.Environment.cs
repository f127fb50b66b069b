using Nono.Action.ActionMode;
using Nono.Action.Cli;
using Nono.Action.GitHub;
using Nono.Action.GitHub.Api;
using Nono.Reports.Markdown;
using Nono.Reports.Sarif;
using SessionReport = Nono.Reports.Model.SessionReport;

namespace Nono.Action.Commands;

internal static partial class ActionCommand
{
    /// <summary>
    /// The environment <c>nono run</c> starts from: the step's, minus every input (they hold the GitHub token),
    /// with the credential values masked in the log. The run's sanitizer then strips the runner's tokens.
    /// </summary>
    private static Dictionary<string, string> PrepareEnvironment(ActionInputs inputs, CliContext context, WorkflowCommands workflow, List<string> notes, out List<string> problems)
    {
        problems = [];
        Dictionary<string, string> env = new(StringComparer.Ordinal);
        foreach ((string key, string value) in context.Environment)
        {
            if (!key.StartsWith("INPUT_", StringComparison.OrdinalIgnoreCase))
            {
                env[key] = value;
            }
        }

        foreach (CredentialMapping credential in inputs.Credentials)
        {
            if (!env.TryGetValue(credential.EnvironmentVariable, out string? secret) || secret.Length == 0)
            {
                problems.Add($"input 'credentials': {credential.EnvironmentVariable} is not set; pass the secret to this step with env:");
                continue;
            }

            workflow.AddMask(secret);
            // The proxy reads a built-in service's secret from that service's own variable; a secret mapped from another
            // name moves there and leaves the sandbox's environment (the proxy gives the sandbox a phantom under the
            // service's name instead).
            if (Nono.Core.Proxy.BuiltinServices.Find(credential.Service) is { CredentialKey: { } key } service
                && key.StartsWith("env://", StringComparison.Ordinal) && key[6..] is var serviceVariable
                && serviceVariable != credential.EnvironmentVariable)
            {
                if (env.TryGetValue(serviceVariable, out string? other) && other.Length > 0 && other != secret)
                {
                    problems.Add($"input 'credentials': {service.Name}={credential.EnvironmentVariable}, but {serviceVariable} is also set to another value; unset one of them");
                    continue;
                }

                env[serviceVariable] = secret;
                env.Remove(credential.EnvironmentVariable);
            }

            notes.Add($"{credential.Service}: the sandbox got a phantom token; the real {credential.EnvironmentVariable} stayed with the proxy.");
        }

        if (env.TryGetValue("NONO_SIGNING_KEY", out string? signingKey) && signingKey.Length > 0)
        {
            workflow.AddMask(signingKey); // line by line; nono run keeps the key itself out of the sandbox
        }

        return env;
    }

    private static string? SigningKey(ActionInputs inputs, CliContext context, List<string> problems)
    {
        switch (inputs.Sign)
        {
            case SignMode.Key when context.GetEnv("NONO_SIGNING_KEY") is null:
                problems.Add("input 'sign': 'key' needs the private key (PEM) in the NONO_SIGNING_KEY environment variable");
                return null;
            case SignMode.Key:
                return "env://NONO_SIGNING_KEY";
            default:
                return null;
        }
    }

    /// <summary>Check run, PR comment and code-scanning upload, each only when asked for and a token is present.</summary>
    private static async Task PublishAsync(ActionInputs inputs, RunnerContext runner, WorkflowCommands workflow, SessionReport report, bool passed)
    {
        if (!(inputs.CheckRun || inputs.PullRequestComment || inputs.Sarif))
        {
            return;
        }

        if (inputs.GitHubToken is null || runner.Repository is not { } repository || runner.Sha is null)
        {
            workflow.Warning("nono: check-run, pr-comment and sarif need github-token, GITHUB_REPOSITORY and GITHUB_SHA; skipped");
            return;
        }

        string[] parts = repository.Split('/', 2);
        GitHubReporter reporter = new(GitHubClientFactory.Create(runner.ApiUrl, inputs.GitHubToken), parts[0], parts[1]);
        string summary = JobSummaryRenderer.Render(report, 60_000);
        try
        {
            if (inputs.CheckRun)
            {
                await reporter.PublishCheckRunAsync("nono sandbox", runner.Sha, passed, $"{report.Violations.Count} violation(s)", summary, report.Violations);
            }

            if (inputs.PullRequestComment && runner.PullRequestNumber() is int pr)
            {
                await reporter.UpsertPullRequestCommentAsync(pr, PullRequestCommentRenderer.Marker(runner.JobKey), PullRequestCommentRenderer.Render(report, runner.JobKey));
            }

            if (inputs.Sarif)
            {
                string version = typeof(ActionCommand).Assembly.GetName().Version?.ToString() ?? "0";
                await reporter.UploadSarifAsync(runner.Sha, runner.Ref ?? "refs/heads/main", SarifRenderer.Render(report, version));
            }
        }
        catch (Octokit.ApiException ex)
        {
            // Reporting must not hide the verdict: the step's result stands, the failure is shown.
            workflow.Warning($"nono: publishing to GitHub failed: {ex.Message}");
        }
    }
}
