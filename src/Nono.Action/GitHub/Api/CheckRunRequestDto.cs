namespace Nono.Action.GitHub.Api;

/// <summary>Body of a check-run create (name and head_sha set) or update request.</summary>
internal sealed record CheckRunRequestDto(string? Name, string? HeadSha, string? Status, string? Conclusion, DateTimeOffset? CompletedAt, CheckRunRequestOutputDto? Output);
