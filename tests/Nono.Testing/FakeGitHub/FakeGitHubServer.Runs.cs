using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Nono.Testing.FakeGitHub;

/// <summary>
/// Workflow runs, pull requests and artifact downloads as GitHub's REST documentation describes them:
/// <c>GET /repos/{o}/{r}/actions/runs</c> (filters head_sha, event, branch, status; <c>{total_count, workflow_runs}</c>),
/// <c>GET /repos/{o}/{r}/pulls/{n}</c>, and <c>GET /repos/{o}/{r}/actions/artifacts/{id}/{archive_format}</c>, which
/// answers <c>302 Found</c> with a short-lived <c>Location</c> on a separate storage host (here 127.0.0.2), or
/// <c>410 Gone</c> for an expired artifact. The storage host serves the zip and records who asked, so tests can
/// check the API token never reaches it.
/// </summary>
public sealed partial class FakeGitHubServer
{
    private readonly ConcurrentQueue<RecordedRequest> _storageRequests = new();
    private readonly ConcurrentDictionary<string, long> _downloadTokens = new();
    private HttpListener? _storage;
    private Task? _storageLoop;

    /// <summary>Workflow runs by id.</summary>
    public ConcurrentDictionary<long, JsonObject> WorkflowRuns { get; } = new();

    /// <summary>Pull requests by number.</summary>
    public ConcurrentDictionary<long, JsonObject> PullRequests { get; } = new();

    /// <summary>Artifact ids that have expired (download answers 410).</summary>
    public ConcurrentDictionary<long, bool> ExpiredArtifacts { get; } = new();

    /// <summary>Requests the artifact storage host received.</summary>
    public IReadOnlyCollection<RecordedRequest> StorageRequests => [.. _storageRequests];

    /// <summary>Adds a completed workflow run of <paramref name="workflowPath"/> on <paramref name="headSha"/>.</summary>
    public void AddWorkflowRun(long id, string workflowPath, string headSha, DateTimeOffset createdAt, string eventName = "pull_request", string headBranch = "feature", int attempt = 1)
    {
        WorkflowRuns[id] = new JsonObject
        {
            ["id"] = id,
            ["name"] = Path.GetFileNameWithoutExtension(workflowPath),
            ["node_id"] = $"WFR_{id}",
            ["path"] = workflowPath,
            ["head_branch"] = headBranch,
            ["head_sha"] = headSha,
            ["run_number"] = id % 1000,
            ["run_attempt"] = attempt,
            ["event"] = eventName,
            ["status"] = "completed",
            ["conclusion"] = "success",
            ["workflow_id"] = Math.Abs(workflowPath.GetHashCode(StringComparison.Ordinal)),
            ["url"] = $"{BaseAddress}repos/o/r/actions/runs/{id}",
            ["html_url"] = $"https://github.com/o/r/actions/runs/{id}",
            ["pull_requests"] = new JsonArray(),
            ["created_at"] = createdAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
            ["updated_at"] = createdAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    /// <summary>Adds an open pull request whose head is <paramref name="headSha"/>.</summary>
    public void AddPullRequest(int number, string headSha, string headRef = "feature") => PullRequests[number] = new JsonObject
    {
        ["id"] = 5000 + number,
        ["number"] = number,
        ["state"] = "open",
        ["title"] = "agent changes",
        ["head"] = new JsonObject { ["label"] = "o:" + headRef, ["ref"] = headRef, ["sha"] = headSha },
        ["base"] = new JsonObject { ["label"] = "o:main", ["ref"] = "main", ["sha"] = new string('0', 40) },
    };

    private (int, JsonNode?, string?) ListRuns(System.Collections.Specialized.NameValueCollection query)
    {
        IEnumerable<JsonObject> runs = WorkflowRuns.Values;
        foreach (string filter in new[] { "head_sha", "event", "status" })
        {
            if (query[filter] is { } wanted)
            {
                string field = filter == "status" ? "status" : filter;
                runs = runs.Where(r => r[field]?.GetValue<string>() == wanted);
            }
        }

        if (query["branch"] is { } branch)
        {
            runs = runs.Where(r => r["head_branch"]?.GetValue<string>() == branch);
        }

        JsonObject[] matching = [.. runs.OrderByDescending(r => r["created_at"]!.GetValue<string>(), StringComparer.Ordinal)];
        JsonObject[] page = Page(matching, query);
        return (200, new JsonObject { ["total_count"] = matching.Length, ["workflow_runs"] = new JsonArray([.. page.Select(r => r.DeepClone())]) }, null);
    }

    /// <summary>GitHub's pagination: <c>per_page</c> (default 30, at most 100) and 1-based <c>page</c>.</summary>
    private static T[] Page<T>(IReadOnlyList<T> all, System.Collections.Specialized.NameValueCollection query)
    {
        int perPage = Math.Clamp(int.Parse(query["per_page"] ?? "30", System.Globalization.CultureInfo.InvariantCulture), 1, 100);
        int page = Math.Max(1, int.Parse(query["page"] ?? "1", System.Globalization.CultureInfo.InvariantCulture));
        return [.. all.Skip((page - 1) * perPage).Take(perPage)];
    }

    private (int, JsonNode?, string?) GetPull(long number) =>
        PullRequests.TryGetValue(number, out JsonObject? pr) ? (200, pr.DeepClone(), null) : (404, new JsonObject { ["message"] = "Not Found" }, null);

    /// <summary>302 to the storage host with a one-use signed URL, as GitHub does (410 when expired).</summary>
    private (int, JsonNode?, string?) DownloadRedirect(long id, string format)
    {
        if (format != "zip" || !Artifacts.Values.SelectMany(a => a).Any(a => a.Id == id))
        {
            return (404, new JsonObject { ["message"] = "Not Found" }, null);
        }

        if (ExpiredArtifacts.ContainsKey(id))
        {
            return (410, new JsonObject { ["message"] = "Artifact has expired" }, null);
        }

        Uri storage = StartStorage();
        string sig = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        _downloadTokens[sig] = id;
        return (302, null, $"{storage}blob/{id}?sig={sig}");
    }

    private Uri StartStorage()
    {
        lock (_lock)
        {
            if (_storage is null)
            {
                _storage = LoopbackHttpListener.Start(IPAddress.Parse("127.0.0.2"), out Uri storageAddress);
                StorageAddress = storageAddress;
                _storageLoop = Task.Run(StorageLoopAsync);
            }

            return StorageAddress!;
        }
    }

    /// <summary>The storage host's base address, once a download was redirected.</summary>
    public Uri? StorageAddress { get; private set; }

    private async Task StorageLoopAsync()
    {
        while (_storage!.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _storage.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            HttpListenerRequest request = context.Request;
            _storageRequests.Enqueue(new RecordedRequest(request.HttpMethod, request.Url!.AbsolutePath + request.Url.Query, request.Headers["Authorization"], request.Headers["Accept"], ""));
            string? sig = request.QueryString["sig"];
            bool valid = sig is not null && _downloadTokens.TryRemove(sig, out long id) && request.Url.AbsolutePath == $"/blob/{id}";
            if (!valid)
            {
                await WriteAsync(context.Response, 403, new JsonObject { ["message"] = "AuthenticationFailed" });
                continue;
            }

            await ServeBlobAsync(context.Response, long.Parse(request.Url.AbsolutePath["/blob/".Length..], System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private async Task StopStorageAsync()
    {
        if (_storage is not null)
        {
            LoopbackHttpListener.Close(_storage);
            try
            {
                await _storageLoop!;
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }
}
