namespace Nono.Action.GitHub.Api;

/// <summary>Answer to a SARIF upload.</summary>
internal sealed record SarifUploadResponse(string Id, string? Url);
