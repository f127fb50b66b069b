namespace Nono.Action.GitHub.Api;

/// <summary>A check run output as returned.</summary>
internal sealed record CheckRunOutputDto(string? Title, string? Summary, string? Text, long AnnotationsCount);
