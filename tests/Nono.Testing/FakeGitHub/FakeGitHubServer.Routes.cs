using System.IO.Compression;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Nono.Testing.FakeGitHub;

public sealed partial class FakeGitHubServer
{
    private async Task HandleAsync(HttpListenerContext context)
    {
        HttpListenerRequest request = context.Request;
        string body = await new StreamReader(request.InputStream).ReadToEndAsync();
        string path = request.Url!.AbsolutePath;
        _requests.Enqueue(new RecordedRequest(request.HttpMethod, path + request.Url.Query, request.Headers["Authorization"], request.Headers["Accept"], body));
        HttpListenerResponse response = context.Response;

        if (request.HttpMethod == "GET" && path == "/user")
        {
            // An installation token (GITHUB_TOKEN) cannot read /user; a personal token reads its own login.
            await WriteAsync(response, TokenLogin is null ? 403 : 200, TokenLogin is null
                ? new JsonObject { ["message"] = "Resource not accessible by integration" }
                : new JsonObject { ["login"] = TokenLogin, ["id"] = 583231, ["type"] = "User" });
            return;
        }

        Match m = RepoPath().Match(path);
        if (!m.Success)
        {
            await WriteAsync(response, 404, new JsonObject { ["message"] = "Not Found" });
            return;
        }

        string[] rest = m.Groups["rest"].Value.Split('/');
        (int status, JsonNode? json, string? location) = (request.HttpMethod, rest) switch
        {
            ("POST", ["check-runs"]) => CreateCheckRun(JsonNode.Parse(body)!.AsObject()),
            ("PATCH", ["check-runs", var id]) => UpdateCheckRun(long.Parse(id, System.Globalization.CultureInfo.InvariantCulture), JsonNode.Parse(body)!.AsObject()),
            ("GET", ["check-runs", var id, "annotations"]) => (200, new JsonArray([.. Annotations.GetOrAdd(long.Parse(id, System.Globalization.CultureInfo.InvariantCulture), _ => []).Select(a => a.DeepClone())]), null),
            ("GET", ["issues", var n, "comments"]) => (200, new JsonArray([.. Comments.GetOrAdd(long.Parse(n, System.Globalization.CultureInfo.InvariantCulture), _ => []).Select(c => c.DeepClone())]), null),
            ("POST", ["issues", var n, "comments"]) => CreateComment(long.Parse(n, System.Globalization.CultureInfo.InvariantCulture), JsonNode.Parse(body)!["body"]!.GetValue<string>()),
            ("PATCH", ["issues", "comments", var id]) => UpdateComment(long.Parse(id, System.Globalization.CultureInfo.InvariantCulture), JsonNode.Parse(body)!["body"]!.GetValue<string>()),
            ("POST", ["code-scanning", "sarifs"]) => UploadSarif(JsonNode.Parse(body)!.AsObject()),
            ("GET", ["actions", "runs", var run, "artifacts"]) => ListArtifacts(long.Parse(run, System.Globalization.CultureInfo.InvariantCulture), request.QueryString),
            ("GET", ["actions", "artifacts", var id, var format]) => DownloadRedirect(long.Parse(id, System.Globalization.CultureInfo.InvariantCulture), format),
            ("GET", ["actions", "runs"]) => ListRuns(request.QueryString),
            ("GET", ["pulls", var n]) => GetPull(long.Parse(n, System.Globalization.CultureInfo.InvariantCulture)),
            _ => (404, new JsonObject { ["message"] = "Not Found", ["documentation_url"] = "https://docs.github.com/rest" }, null),
        };
        await WriteAsync(response, status, json, location);
    }

    private (int, JsonNode?, string?) CreateCheckRun(JsonObject request)
    {
        if (request["name"] is null || request["head_sha"] is null)
        {
            return (422, new JsonObject { ["message"] = "Validation Failed" }, null);
        }

        long id = NextId();
        JsonObject run = new()
        {
            ["id"] = id,
            ["head_sha"] = request["head_sha"]!.DeepClone(),
            ["external_id"] = "",
            ["url"] = $"{BaseAddress}repos/o/r/check-runs/{id}",
            ["html_url"] = $"https://github.com/o/r/runs/{id}",
            ["details_url"] = null,
            ["status"] = request["status"]?.DeepClone() ?? "queued",
            ["conclusion"] = request["conclusion"]?.DeepClone(),
            ["started_at"] = "2026-11-26T10:00:00Z",
            ["completed_at"] = request["completed_at"]?.DeepClone(),
            ["name"] = request["name"]!.DeepClone(),
        };
        CheckRuns[id] = run;
        return UpdateCheckRun(id, request) is var updated && updated.Item1 == 200 ? (201, updated.Item2, null) : updated;
    }

    private (int, JsonNode?, string?) UpdateCheckRun(long id, JsonObject request)
    {
        if (!CheckRuns.TryGetValue(id, out JsonObject? run))
        {
            return (404, new JsonObject { ["message"] = "Not Found" }, null);
        }

        lock (_lock)
        {
            if (request["output"] is JsonObject output)
            {
                List<JsonObject> annotations = Annotations.GetOrAdd(id, _ => []);
                if (output["annotations"] is JsonArray sent)
                {
                    if (sent.Count > 50)
                    {
                        return (422, new JsonObject { ["message"] = "Only 50 annotations are allowed per request" }, null);
                    }

                    annotations.AddRange(sent.Select(a => a!.DeepClone().AsObject()));
                }

                run["output"] = new JsonObject
                {
                    ["title"] = output["title"]?.DeepClone(),
                    ["summary"] = output["summary"]?.DeepClone(),
                    ["text"] = output["text"]?.DeepClone(),
                    ["annotations_count"] = annotations.Count,
                };
            }

            return (200, run.DeepClone(), null);
        }
    }

    private (int, JsonNode?, string?) CreateComment(long issue, string body)
    {
        long id = NextId();
        JsonObject comment = Comment(id, body, TokenIdentity);
        Comments.GetOrAdd(issue, _ => []).Add(comment);
        return (201, comment.DeepClone(), null);
    }

    private (int, JsonNode?, string?) UpdateComment(long id, string body)
    {
        JsonObject? comment = Comments.Values.SelectMany(c => c).FirstOrDefault(c => c["id"]!.GetValue<long>() == id);
        if (comment is null)
        {
            return (404, new JsonObject { ["message"] = "Not Found" }, null);
        }

        if (comment["user"]!["login"]!.GetValue<string>() != TokenIdentity)
        {
            return (403, new JsonObject { ["message"] = "Resource not accessible by integration" }, null); // not the token's own comment
        }

        comment["body"] = body;
        comment["updated_at"] = "2026-11-26T11:00:00Z";
        return (200, comment.DeepClone(), null);
    }

    private (int, JsonNode?, string?) UploadSarif(JsonObject request)
    {
        if (request["commit_sha"] is null || request["ref"] is null || request["sarif"] is null)
        {
            return (422, new JsonObject { ["message"] = "Validation Failed" }, null);
        }

        using MemoryStream compressed = new(Convert.FromBase64String(request["sarif"]!.GetValue<string>()));
        using GZipStream gzip = new(compressed, CompressionMode.Decompress);
        JsonObject decoded = request.DeepClone().AsObject();
        decoded["sarif"] = new StreamReader(gzip).ReadToEnd();
        SarifUploads.Enqueue(decoded);
        string id = Guid.NewGuid().ToString();
        return (202, new JsonObject { ["id"] = id, ["url"] = $"{BaseAddress}repos/o/r/code-scanning/sarifs/{id}" }, null);
    }

    private (int, JsonNode?, string?) ListArtifacts(long runId, System.Collections.Specialized.NameValueCollection query)
    {
        List<(long Id, string Name, byte[] Zip)> artifacts = Artifacts.GetOrAdd(runId, _ => []);
        JsonArray items = [.. Page(artifacts, query).Select(a => (JsonNode)new JsonObject
        {
            ["id"] = a.Id,
            ["node_id"] = $"MDg6QXJ0aWZhY3Q{a.Id}",
            ["name"] = a.Name,
            ["size_in_bytes"] = a.Zip.Length,
            ["url"] = $"{BaseAddress}repos/o/r/actions/artifacts/{a.Id}",
            ["archive_download_url"] = $"{BaseAddress}repos/o/r/actions/artifacts/{a.Id}/zip",
            ["expired"] = ExpiredArtifacts.ContainsKey(a.Id),
            ["created_at"] = "2026-11-26T10:00:00Z",
            ["expires_at"] = "2027-02-24T10:00:00Z",
            ["updated_at"] = "2026-11-26T10:00:00Z",
            ["workflow_run"] = new JsonObject
            {
                ["id"] = runId,
                ["repository_id"] = 1,
                ["head_repository_id"] = 1,
                ["head_branch"] = WorkflowRuns.TryGetValue(runId, out JsonObject? run) ? run["head_branch"]!.DeepClone() : "main",
                ["head_sha"] = run is null ? "abc" : run["head_sha"]!.DeepClone(),
            },
        })];
        return (200, new JsonObject { ["total_count"] = artifacts.Count, ["artifacts"] = items }, null);
    }

    private async Task ServeBlobAsync(HttpListenerResponse response, long id)
    {
        byte[]? zip = Artifacts.Values.SelectMany(a => a).Where(a => a.Id == id).Select(a => a.Zip).FirstOrDefault();
        if (zip is null)
        {
            await WriteAsync(response, 404, null);
            return;
        }

        response.StatusCode = 200;
        response.ContentType = "application/zip";
        response.ContentLength64 = zip.Length;
        await response.OutputStream.WriteAsync(zip);
        response.Close();
    }
}
