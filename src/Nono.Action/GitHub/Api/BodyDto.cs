namespace Nono.Action.GitHub.Api;

/// <summary>Request body of comment create/update.</summary>
internal sealed record BodyDto(string Body);
