using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Nono.Testing.FakeGitHub;

/// <summary>
/// A GitHub REST API stand-in on 127.0.0.1 that answers the endpoints nono uses with the status codes and
/// shapes GitHub documents (checks, issue comments, code scanning SARIF, Actions artifacts, workflow runs, pull requests), keeps state
/// between calls, and records every request so tests can assert on what was sent.
/// </summary>
public sealed partial class FakeGitHubServer : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly Task _loop;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly Lock _lock = new();
    private long _nextId = 1000;

    public FakeGitHubServer()
    {
        _listener = LoopbackHttpListener.Start(out Uri baseAddress);
        BaseAddress = baseAddress;
        _loop = Task.Run(LoopAsync);
    }

    public Uri BaseAddress { get; }

    public IReadOnlyCollection<RecordedRequest> Requests => [.. _requests];

    /// <summary>The login of the token's own user (a personal token); null plays an installation token (GITHUB_TOKEN).</summary>
    public string? TokenLogin { get; set; }

    /// <summary>Who the token's comments are by.</summary>
    public string TokenIdentity => TokenLogin ?? "github-actions[bot]";

    /// <summary>Comments per issue number.</summary>
    public ConcurrentDictionary<long, List<JsonObject>> Comments { get; } = new();

    /// <summary>Check runs by id.</summary>
    public ConcurrentDictionary<long, JsonObject> CheckRuns { get; } = new();

    /// <summary>Annotations sent per check run, across create and updates.</summary>
    public ConcurrentDictionary<long, List<JsonObject>> Annotations { get; } = new();

    /// <summary>SARIF uploads received (decoded request bodies).</summary>
    public ConcurrentQueue<JsonObject> SarifUploads { get; } = new();

    /// <summary>Artifacts per run id: name and zip content.</summary>
    public ConcurrentDictionary<long, List<(long Id, string Name, byte[] Zip)>> Artifacts { get; } = new();

    /// <summary>Adds an existing comment (e.g. by another user) to an issue.</summary>
    public long AddComment(long issue, string body, string login = "someone")
    {
        long id = NextId();
        Comments.GetOrAdd(issue, _ => []).Add(Comment(id, body, login));
        return id;
    }

    /// <summary>Adds an artifact to a run; returns its id.</summary>
    public long AddArtifact(long runId, string name, byte[] zip)
    {
        long id = NextId();
        Artifacts.GetOrAdd(runId, _ => []).Add((id, name, zip));
        return id;
    }

    public async ValueTask DisposeAsync()
    {
        await StopStorageAsync();
        LoopbackHttpListener.Close(_listener);
        try
        {
            await _loop;
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            try
            {
                await HandleAsync(context);
            }
            catch (Exception ex)
            {
                await WriteAsync(context.Response, 500, new JsonObject { ["message"] = ex.Message });
            }
        }
    }

    private long NextId() => Interlocked.Increment(ref _nextId);

    private JsonObject Comment(long id, string body, string login) => new()
    {
        ["id"] = id,
        ["node_id"] = $"IC_{id}",
        ["url"] = $"{BaseAddress}repos/o/r/issues/comments/{id}",
        ["html_url"] = $"https://github.com/o/r/issues/1#issuecomment-{id}",
        ["body"] = body,
        ["user"] = new JsonObject { ["login"] = login, ["id"] = 41898282 },
        ["created_at"] = "2026-11-26T10:00:00Z",
        ["updated_at"] = "2026-11-26T10:00:00Z",
        ["author_association"] = "NONE",
    };


    private static async Task WriteAsync(HttpListenerResponse response, int status, JsonNode? body, string? location = null)
    {
        response.StatusCode = status;
        if (location is not null)
        {
            response.RedirectLocation = location;
        }

        byte[] bytes = body is null ? [] : Encoding.UTF8.GetBytes(body.ToJsonString());
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes);
        response.Close();
    }

    [GeneratedRegex(@"^/repos/(?<o>[^/]+)/(?<r>[^/]+)/(?<rest>.+)$")]
    private static partial Regex RepoPath();
}
