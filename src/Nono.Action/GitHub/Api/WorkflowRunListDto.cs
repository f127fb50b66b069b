namespace Nono.Action.GitHub.Api;

/// <summary>A page of workflow runs.</summary>
internal sealed record WorkflowRunListDto(int TotalCount, IReadOnlyList<WorkflowRunDto> WorkflowRuns);
