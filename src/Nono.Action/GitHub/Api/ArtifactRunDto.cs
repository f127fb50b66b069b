namespace Nono.Action.GitHub.Api;

/// <summary>The workflow run an artifact belongs to.</summary>
internal sealed record ArtifactRunDto(long Id, long RepositoryId, long HeadRepositoryId, string? HeadBranch, string? HeadSha);
