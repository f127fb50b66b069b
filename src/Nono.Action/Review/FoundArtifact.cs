namespace Nono.Action.Review;

/// <summary>A session artifact found through the API, with the run it belongs to.</summary>
internal sealed record FoundArtifact(long Id, string Name, long SizeInBytes, long RunId, string? WorkflowPath, string? HeadSha, bool Expired);
