namespace Nono.Action.GitHub.Api;

/// <summary>A check run as the REST API returns it.</summary>
internal sealed record CheckRunDto(long Id, string? HeadSha, string? ExternalId, string? Url, string? HtmlUrl, string? DetailsUrl, string? Status, string? Conclusion, DateTimeOffset? StartedAt, DateTimeOffset? CompletedAt, CheckRunOutputDto? Output, string? Name);
