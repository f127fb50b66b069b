namespace Nono.Action.GitHub.Api;

/// <summary>Output part of a check-run create/update request.</summary>
internal sealed record CheckRunRequestOutputDto(string Title, string Summary, string? Text, IReadOnlyList<AnnotationDto>? Annotations);
