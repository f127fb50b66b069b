namespace Nono.Action.GitHub.Api;

/// <summary>A pull request (GET /repos/{owner}/{repo}/pulls/{number}): the fields nono reads.</summary>
internal sealed record PullRequestDto(int Number, string? State, PullRequestRefDto Head);
