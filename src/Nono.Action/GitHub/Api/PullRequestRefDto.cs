namespace Nono.Action.GitHub.Api;

/// <summary>The head (or base) of a pull request.</summary>
internal sealed record PullRequestRefDto(string Sha, string? Ref);
