namespace Nono.Core.Audit.Events;

/// <summary>Who ran the session when it ran inside GitHub Actions (from the runner's GITHUB_* variables).</summary>
public sealed record RunnerIdentity
{
    /// <summary>owner/name of the repository (GITHUB_REPOSITORY).</summary>
    public string? Repository { get; init; }

    /// <summary>The workflow reference (GITHUB_WORKFLOW_REF, or GITHUB_WORKFLOW).</summary>
    public string? Workflow { get; init; }

    /// <summary>The run id (GITHUB_RUN_ID).</summary>
    public string? RunId { get; init; }

    /// <summary>The run attempt (GITHUB_RUN_ATTEMPT).</summary>
    public string? RunAttempt { get; init; }

    /// <summary>The commit being built (GITHUB_SHA).</summary>
    public string? Commit { get; init; }

    /// <summary>The git ref being built (GITHUB_REF).</summary>
    public string? Ref { get; init; }

    /// <summary>The actor that triggered the run (GITHUB_ACTOR).</summary>
    public string? Actor { get; init; }

    /// <summary>The job id (GITHUB_JOB).</summary>
    public string? Job { get; init; }

    /// <summary>Reads the identity from an environment; null when not running in GitHub Actions.</summary>
    public static RunnerIdentity? FromEnvironment(IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (!environment.TryGetValue("GITHUB_ACTIONS", out string? actions) || actions != "true")
        {
            return null;
        }

        string? Get(string name) => environment.TryGetValue(name, out string? value) && value.Length > 0 ? value : null;
        return new RunnerIdentity
        {
            Repository = Get("GITHUB_REPOSITORY"),
            Workflow = Get("GITHUB_WORKFLOW_REF") ?? Get("GITHUB_WORKFLOW"),
            RunId = Get("GITHUB_RUN_ID"),
            RunAttempt = Get("GITHUB_RUN_ATTEMPT"),
            Commit = Get("GITHUB_SHA"),
            Ref = Get("GITHUB_REF"),
            Actor = Get("GITHUB_ACTOR"),
            Job = Get("GITHUB_JOB"),
        };
    }
}
