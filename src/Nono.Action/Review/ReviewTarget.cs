namespace Nono.Action.Review;

/// <summary>Which session artifact to review: a repository and a run, or the latest runs of a pull request's head.</summary>
internal sealed record ReviewTarget
{
    public required string Owner { get; init; }

    public required string Repository { get; init; }

    public long? RunId { get; init; }

    public int? PullRequest { get; init; }

    /// <summary>Exact artifact name; when null, the one artifact whose name starts with <c>nono-session-</c>.</summary>
    public string? ArtifactName { get; init; }

    public string FullName => $"{Owner}/{Repository}";
}
