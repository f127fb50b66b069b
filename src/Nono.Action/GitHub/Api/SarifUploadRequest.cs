namespace Nono.Action.GitHub.Api;

/// <summary>Body of POST /repos/{owner}/{repo}/code-scanning/sarifs (sarif is gzip, then base64).</summary>
internal sealed record SarifUploadRequest(string CommitSha, string Ref, string Sarif, string ToolName);
