namespace Nono.Action.ActionMode;

/// <summary>The action's inputs after validation (see action.yml for their meaning).</summary>
internal sealed record ActionInputs
{
    public required string Run { get; init; }

    public string Profile { get; init; } = "ci";

    public IReadOnlyList<string> Allow { get; init; } = [];

    public IReadOnlyList<string> Read { get; init; } = [];

    public IReadOnlyList<string> Write { get; init; } = [];

    /// <summary>Empty when the network is blocked; otherwise the allowed domains.</summary>
    public IReadOnlyList<string> AllowedDomains { get; init; } = [];

    public bool NetworkBlocked => AllowedDomains.Count == 0 && NetworkProfile is null;

    public string? NetworkProfile { get; init; }

    public IReadOnlyList<CredentialMapping> Credentials { get; init; } = [];

    public ActionRunMode Mode { get; init; } = ActionRunMode.Enforce;

    /// <summary>Named weaker modes the workflow author accepts (e.g. <c>unscoped-signals</c> on Landlock ABI 4–5 runners).</summary>
    public IReadOnlyList<string> AllowWeaker { get; init; } = [];

    public bool Snapshot { get; init; } = true;

    public FailOn FailOn { get; init; } = FailOn.Error;

    public SignMode Sign { get; init; } = SignMode.Auto;

    public bool Summary { get; init; } = true;

    public bool PullRequestComment { get; init; }

    public bool CheckRun { get; init; }

    public bool Sarif { get; init; }

    public string? ArtifactName { get; init; }

    /// <summary>Token for the GitHub API. Never passed into the sandbox.</summary>
    public string? GitHubToken { get; init; }
}
