namespace Nono.Action.GitHub.Api;

/// <summary>One check-run annotation in a request.</summary>
internal sealed record AnnotationDto(string Path, int StartLine, int EndLine, string AnnotationLevel, string Message, string? Title);
