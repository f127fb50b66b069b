namespace Nono.Action.GitHub.Api;

/// <summary>A workflow run (GET /repos/{owner}/{repo}/actions/runs): the fields nono reads.</summary>
internal sealed record WorkflowRunDto(long Id, string? Name, string? Path, string? HeadSha, string? HeadBranch, string? Event, string? Status, string? Conclusion, long RunNumber, int RunAttempt, DateTimeOffset CreatedAt);
