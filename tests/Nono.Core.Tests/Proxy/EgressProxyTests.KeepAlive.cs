using System.Text;
using System.Text.Json.Nodes;
using Nono.Core.Proxy;
using Nono.Testing;

namespace Nono.Core.Tests.Proxy;

/// <summary>Persistent client connections on the forward route, with real clients (curl, python's http.client).</summary>
public sealed partial class EgressProxyTests
{
    private const string SecondHost = "api2.test.example";
    private const string DeniedHost = "denied.test.example";

    /// <summary>
    /// python3 http.client over ONE proxy connection: prints, per request, the status, the body and whether the
    /// socket was still the first one when the request was sent (http.client reconnects silently after a close).
    /// </summary>
    internal const string PythonSequence = """
        import http.client, json, sys
        port, auth, plan = int(sys.argv[1]), sys.argv[2], json.loads(sys.argv[3])
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.connect()
        first = conn.sock
        out = []
        for step in plan:
            headers = dict(step.get("headers", {}))
            if auth:
                headers["Proxy-Authorization"] = auth
            body = step.get("body")
            if step.get("chunked"):
                conn.request(step["method"], step["target"], body=iter([b"abc", b"defg"]), headers=headers, encode_chunked=True)
            else:
                conn.request(step["method"], step["target"], body=body, headers=headers)
            reused = conn.sock is first
            r = conn.getresponse()
            data = r.read().decode()
            out.append({"status": r.status, "body": data, "reused": reused, "connection": r.getheader("Connection") or ""})
        print(json.dumps(out))
        """;

    [Fact]
    public async Task Forward_CurlSeveralUrls_ReusesOneConnectionAndRefusesDeniedHost()
    {
        await using LoopbackServer origin = new();
        CapturingSink sink = new();
        await using RunningProxy proxy = await StartKeepAliveProxyAsync(sink, origin.Port);
        string Url(string host, string path) => $"http://{host}:{origin.Port}{path}";

        ProcessResult curl = await ProcessRunner.RunAsync(
            "curl",
            ["-sS", "--proxy", proxy.BaseUrl, "--proxy-user", "nono:" + proxy.SessionToken, "-w", "\n%{http_code} connects=%{num_connects}\n",
             Url(ProxyHarness.TestHost, "/one"), Url(SecondHost, "/two"), Url(ProxyHarness.TestHost, "/three"), Url(DeniedHost, "/four")],
            cancellationToken: TestContext.Current.CancellationToken);

        string[] lines = curl.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(
            ["hello from upstream /one", "200 connects=1", "hello from upstream /two", "200 connects=0", "hello from upstream /three", "200 connects=0",
             $"nono: host '{DeniedHost}' is not allowed (host-not-allowed)", "403 connects=0"],
            lines);
        Assert.Equal(["GET /one HTTP/1.1", "GET /two HTTP/1.1", "GET /three HTTP/1.1"], origin.Requests.Select(r => r.RequestLine));
        Assert.Equal(3, sink.Events.Count(e => e is { Mode: ProxyMode.Forward, Decision: ProxyDecision.Allowed }));
        Assert.Contains(sink.Events, e => e is { Decision: ProxyDecision.Denied, Reason: "host-not-allowed", Host: DeniedHost });
    }

    [Fact]
    public async Task Forward_PythonHttpClient_EveryRequestOnTheConnectionIsAuthorizedAndChecked()
    {
        await using LoopbackServer origin = new();
        CapturingSink sink = new();
        await using RunningProxy proxy = await StartKeepAliveProxyAsync(sink, origin.Port);
        string auth = "Basic " + Convert.ToBase64String(Encoding.ASCII.GetBytes("nono:" + proxy.SessionToken));
        string Url(string host, string path) => $"http://{host}:{origin.Port}{path}";
        string plan = new JsonArray(
            Step("GET", Url(ProxyHarness.TestHost, "/a")),
            Step("POST", Url(SecondHost, "/b"), body: "payload-with-length"),
            Step("POST", Url(ProxyHarness.TestHost, "/c"), chunked: true),
            Step("HEAD", Url(SecondHost, "/d")),
            Step("GET", Url(DeniedHost, "/e"))).ToJsonString();

        ProcessResult python = await ProcessRunner.RunAsync("python3", ["-c", PythonSequence, proxy.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), auth, plan], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(0, python.ExitCode);
        Assert.Equal(
            "[{\"status\": 200, \"body\": \"hello from upstream /a\", \"reused\": true, \"connection\": \"\"}, "
            + "{\"status\": 200, \"body\": \"hello from upstream /b\", \"reused\": true, \"connection\": \"\"}, "
            + "{\"status\": 200, \"body\": \"hello from upstream /c\", \"reused\": true, \"connection\": \"\"}, "
            + "{\"status\": 200, \"body\": \"\", \"reused\": true, \"connection\": \"\"}, "
            + $"{{\"status\": 403, \"body\": \"nono: host '{DeniedHost}' is not allowed (host-not-allowed)\\n\", \"reused\": true, \"connection\": \"close\"}}]",
            python.StandardOutput.Trim());
        RecordedRequest[] seen = [.. origin.Requests];
        Assert.Equal(["GET /a HTTP/1.1", "POST /b HTTP/1.1", "POST /c HTTP/1.1", "HEAD /d HTTP/1.1"], seen.Select(r => r.RequestLine));
        Assert.Equal("payload-with-length", Encoding.ASCII.GetString(seen[1].Body));
        Assert.Equal("abcdefg", Encoding.ASCII.GetString(seen[2].Body));
        Assert.DoesNotContain(seen, r => r.RawHead.Contains(proxy.SessionToken, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Forward_SecondRequestWithoutToken_IsRefusedOnTheSameConnection()
    {
        await using LoopbackServer origin = new();
        CapturingSink sink = new();
        await using RunningProxy proxy = await StartKeepAliveProxyAsync(sink, origin.Port);
        string first = $"GET http://{ProxyHarness.TestHost}:{origin.Port}/ok HTTP/1.1\r\nHost: x\r\n" + ProxyHarness.BasicProxyAuth(proxy.SessionToken) + "\r\n";
        string second = $"GET http://{ProxyHarness.TestHost}:{origin.Port}/stolen HTTP/1.1\r\nHost: x\r\n\r\n";

        string response = await ProxyHarness.RawAsync(proxy, first + second);

        Assert.Contains("hello from upstream /ok", response, StringComparison.Ordinal);
        Assert.Contains("HTTP/1.1 407 ", response, StringComparison.Ordinal);
        Assert.Equal(["GET /ok HTTP/1.1"], origin.Requests.Select(r => r.RequestLine));
    }

    [Theory]
    [InlineData("HTTP/1.1", "Connection: close\r\n")]
    [InlineData("HTTP/1.1", "Proxy-Connection: close\r\n")]
    [InlineData("HTTP/1.0", "")]
    public async Task Forward_ClientAsksToClose_ConnectionEndsAfterOneResponse(string version, string header)
    {
        await using LoopbackServer origin = new();
        await using RunningProxy proxy = await StartKeepAliveProxyAsync(new CapturingSink(), origin.Port);
        string Request(string path, string extra) =>
            $"GET http://{ProxyHarness.TestHost}:{origin.Port}{path} {version}\r\nHost: x\r\n{extra}" + ProxyHarness.BasicProxyAuth(proxy.SessionToken) + "\r\n";

        // Both requests in one write (pipelined): the proxy must stop after the first and never relay the second.
        string response = await ProxyHarness.RawAsync(proxy, Request("/first", header) + Request("/second", string.Empty));

        Assert.Single(System.Text.RegularExpressions.Regex.Matches(response, "^HTTP/1.1 ", System.Text.RegularExpressions.RegexOptions.Multiline));
        Assert.Contains("Connection: close\r\n", response, StringComparison.Ordinal);
        Assert.EndsWith("hello from upstream /first", response, StringComparison.Ordinal);
        Assert.Equal([$"GET /first HTTP/1.1"], origin.Requests.Select(r => r.RequestLine));
    }

    [Fact]
    public async Task Forward_UpstreamBodyUntilClose_ClosesTheClientConnection()
    {
        await using LoopbackServer origin = new(static async (request, stream) =>
            await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nbody ends at close " + request.Target)));
        await using RunningProxy proxy = await StartKeepAliveProxyAsync(new CapturingSink(), origin.Port);
        string Request(string path) =>
            $"GET http://{ProxyHarness.TestHost}:{origin.Port}{path} HTTP/1.1\r\nHost: x\r\n" + ProxyHarness.BasicProxyAuth(proxy.SessionToken) + "\r\n";

        string response = await ProxyHarness.RawAsync(proxy, Request("/first") + Request("/second"));

        Assert.Contains("Connection: close\r\n", response, StringComparison.Ordinal);
        Assert.EndsWith("body ends at close /first", response, StringComparison.Ordinal);
        Assert.Equal(["GET /first HTTP/1.1"], origin.Requests.Select(r => r.RequestLine));
    }

    private static Task<RunningProxy> StartKeepAliveProxyAsync(CapturingSink sink, int port) => ProxyHarness.StartAsync(
        new ProxyOptions
        {
            AllowedHosts = [ProxyHarness.At(ProxyHarness.TestHost, port), ProxyHarness.At(SecondHost, port)],
            ResolverOverrides = [ProxyHarness.Loopback(ProxyHarness.TestHost), ProxyHarness.Loopback(SecondHost), ProxyHarness.Loopback(DeniedHost)],
        },
        sink);

    internal static JsonObject Step(string method, string target, string? body = null, bool chunked = false, string? header = null)
    {
        JsonObject step = new() { ["method"] = method, ["target"] = target };
        if (header is not null)
        {
            step["headers"] = new JsonObject { [header[..header.IndexOf(':', StringComparison.Ordinal)]] = header[(header.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim() };
        }

        if (body is not null)
        {
            step["body"] = body;
        }

        if (chunked)
        {
            step["chunked"] = true;
        }

        return step;
    }
}
