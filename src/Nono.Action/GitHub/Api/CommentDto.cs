namespace Nono.Action.GitHub.Api;

/// <summary>An issue or PR comment as the REST API returns it.</summary>
internal sealed record CommentDto(long Id, string? NodeId, string? Url, string? HtmlUrl, string? Body, DateTimeOffset CreatedAt, DateTimeOffset? UpdatedAt, UserDto? User);
