namespace Nono.Action.GitHub.Api;

/// <summary>An Actions artifact.</summary>
internal sealed record ArtifactDto(long Id, string? NodeId, string Name, long SizeInBytes, string? Url, string? ArchiveDownloadUrl, bool Expired, DateTime CreatedAt, DateTime? ExpiresAt, DateTime? UpdatedAt, ArtifactRunDto? WorkflowRun);
