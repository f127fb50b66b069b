namespace Nono.Action.GitHub.Api;

/// <summary>GitHub user (the fields nono reads).</summary>
internal sealed record UserDto(string Login, long Id);
