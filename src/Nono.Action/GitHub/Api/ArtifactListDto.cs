namespace Nono.Action.GitHub.Api;

/// <summary>A page of artifacts.</summary>
internal sealed record ArtifactListDto(int TotalCount, IReadOnlyList<ArtifactDto> Artifacts);
