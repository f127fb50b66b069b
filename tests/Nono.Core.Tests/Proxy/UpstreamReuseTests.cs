using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Nono.Core.Proxy;

namespace Nono.Core.Tests.Proxy;

/// <summary>
/// Upstream connection reuse (the proxy's pool), seen from a real TLS or plain origin that counts its accepted
/// connections and records which connection each request came on. The proxy runs on a clock that only the test moves,
/// so the pool's idle limit never expires between two requests of a slow run.
/// </summary>
public sealed partial class UpstreamReuseTests : IAsyncDisposable
{
    private readonly TestCertificates _certs = new(ProxyHarness.TestHost);
    private readonly string _secret = "sk-" + RandomNumberGenerator.GetHexString(40, lowercase: true);
    private readonly string _otherSecret = "sk-" + RandomNumberGenerator.GetHexString(40, lowercase: true);
    private readonly CapturingSink _sink = new();
    private readonly ManualTimeProvider _clock = new();
    private readonly HttpClient _client = ProxyHarness.DirectClient();

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        _certs.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task ReverseRoute_TwoSequentialRequests_ShareOneUpstreamConnection()
    {
        await using LoopbackServer origin = new(certificate: _certs.Server);
        RunningProxy proxy = await StartAsync(origin, Route("openai"));

        (HttpStatusCode first, string firstBody) = await SendAsync(proxy, "openai", HttpMethod.Get, "/models");
        (HttpStatusCode second, string secondBody) = await SendAsync(proxy, "openai", HttpMethod.Get, "/chat");
        await proxy.DisposeAsync(); // every event is recorded once connections drained

        Assert.Equal((HttpStatusCode.OK, "hello from upstream /v1/models"), (first, firstBody));
        Assert.Equal((HttpStatusCode.OK, "hello from upstream /v1/chat"), (second, secondBody));
        Assert.Equal(1, origin.Accepts);
        Assert.Equal([1, 1], origin.Requests.Select(r => r.Connection));
        Assert.All(origin.Requests, r => Assert.Equal("Bearer " + _secret, r.Header("Authorization")));
        Assert.All(origin.Requests, r => Assert.False(r.HasHeader("Connection"), "the proxy asked the upstream to close"));
        Assert.Equal(2, _sink.Events.Count);
        Assert.All(_sink.Events, e => Assert.Equal((ProxyMode.Reverse, ProxyDecision.Allowed, 200), (e.Mode, e.Decision, e.Status)));
        Assert.Equal(["hello from upstream /v1/models".Length, "hello from upstream /v1/chat".Length], _sink.Events.Select(e => (int)e.BytesDown));
    }

    [Fact]
    public async Task Forward_TwoSequentialPlainHttpRequests_ShareOneUpstreamConnection()
    {
        await using LoopbackServer origin = new();
        await using RunningProxy proxy = await StartForwardAsync(origin);
        using HttpClient client = ProxyHarness.ProxiedClient(proxy);
        string url = $"http://{ProxyHarness.TestHost}:{origin.Port}";

        string first = await client.GetStringAsync(url + "/one", TestContext.Current.CancellationToken);
        string second = await client.GetStringAsync(url + "/two?x=1", TestContext.Current.CancellationToken);

        Assert.Equal(("hello from upstream /one", "hello from upstream /two?x=1"), (first, second));
        Assert.Equal(1, origin.Accepts);
        Assert.Equal([1, 1], origin.Requests.Select(r => r.Connection));
    }

    [Fact]
    public async Task TwoRoutesToOneUpstream_NeverShareAConnection_EachSeesItsOwnCredential()
    {
        await using LoopbackServer origin = new(certificate: _certs.Server);
        await using RunningProxy proxy = await StartAsync(origin, Route("alpha"), Route("beta", "OTHER_SECRET"));

        foreach (string route in new[] { "alpha", "beta", "alpha", "beta", "alpha" })
        {
            (HttpStatusCode status, _) = await SendAsync(proxy, route, HttpMethod.Get, "/" + route);
            Assert.Equal(HttpStatusCode.OK, status);
        }

        Assert.Equal(2, origin.Accepts); // one connection per route, each reused
        IGrouping<int, RecordedRequest>[] byConnection = [.. origin.Requests.GroupBy(r => r.Connection)];
        Assert.Equal(2, byConnection.Length);
        foreach (IGrouping<int, RecordedRequest> connection in byConnection)
        {
            string route = connection.First().Target.Split('/')[2];
            string expected = "Bearer " + (route == "alpha" ? _secret : _otherSecret);
            Assert.All(connection, r => Assert.Equal(("/v1/" + route, expected), (r.Target, r.Header("Authorization"))));
        }
    }

    [Fact]
    public async Task Shutdown_ClosesPooledConnections()
    {
        await using LoopbackServer origin = new(certificate: _certs.Server);
        RunningProxy proxy = await StartAsync(origin, Route("openai"));
        await SendAsync(proxy, "openai", HttpMethod.Get, "/a");
        await SendAsync(proxy, "openai", HttpMethod.Get, "/b");
        Assert.Equal(1, origin.Accepts);
        Assert.False(origin.AllConnectionsClosed.IsCompleted, "the pooled connection stays open while the proxy runs");

        await proxy.DisposeAsync();

        // A hang guard, not a timing assertion: the origin sees the pooled connection end once the proxy is gone.
        await origin.AllConnectionsClosed.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task IdleLimit_ClosesThePooledConnection_NextRequestConnectsAgain()
    {
        await using LoopbackServer origin = new(certificate: _certs.Server);
        await using RunningProxy proxy = await StartAsync(origin, Route("openai"));
        await SendAsync(proxy, "openai", HttpMethod.Get, "/a");
        await SendAsync(proxy, "openai", HttpMethod.Get, "/a");
        Assert.Equal(1, origin.Accepts); // reused while fresh

        _clock.Advance(TimeSpan.FromSeconds(5)); // past the pool's idle limit: the sweeper closes the idle connection
        await origin.AllConnectionsClosed.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken); // hang guard
        (HttpStatusCode status, string body) = await SendAsync(proxy, "openai", HttpMethod.Get, "/b");

        Assert.Equal((HttpStatusCode.OK, "hello from upstream /v1/b"), (status, body));
        Assert.Equal([1, 1, 2], origin.Requests.Select(r => r.Connection));
    }

    /// <summary>A forward (plain-HTTP) proxy that allows the test host and maps it to loopback, on the test's clock.</summary>
    private Task<RunningProxy> StartForwardAsync(LoopbackServer origin) => ProxyHarness.StartAsync(
        new ProxyOptions { AllowedHosts = [ProxyHarness.At(ProxyHarness.TestHost, origin.Port)], ResolverOverrides = [ProxyHarness.Loopback(ProxyHarness.TestHost)], TimeProvider = _clock },
        _sink);

    private Task<RunningProxy> StartAsync(LoopbackServer origin, params CredentialService[] routes) => EgressProxy.StartAsync(
        new ProxyOptions
        {
            Services = [.. routes.Select(r => r with { Upstream = new Uri($"https://{ProxyHarness.TestHost}:{origin.Port}/v1") })],
            SupervisorEnvironment = new Dictionary<string, string> { ["REAL_SECRET"] = _secret, ["OTHER_SECRET"] = _otherSecret },
            ResolverOverrides = [ProxyHarness.Loopback(ProxyHarness.TestHost)],
            UpstreamTrustRoots = _certs.CaCollection,
            TimeProvider = _clock,
        },
        listener: null,
        _sink,
        TestContext.Current.CancellationToken);

    private static CredentialService Route(string name, string secretVariable = "REAL_SECRET") => new()
    {
        Name = name,
        Upstream = new Uri("https://placeholder/v1"),
        CredentialKey = "env://" + secretVariable,
        InjectMode = InjectMode.Header,
        InjectHeader = "Authorization",
        CredentialFormat = "Bearer {}",
        EnvVar = name.ToUpperInvariant() + "_API_KEY",
    };

    /// <summary>One request on the route with its phantom token; the body text, or the exception type when the response broke.</summary>
    private async Task<(HttpStatusCode Status, string Body)> SendAsync(RunningProxy proxy, string route, HttpMethod method, string path, string? content = null)
    {
        using HttpRequestMessage request = new(method, proxy.RouteUrl(route) + path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", proxy.ChildEnvironment[route.ToUpperInvariant() + "_API_KEY"]);
        if (content is not null)
        {
            request.Content = new StringContent(content, Encoding.UTF8, "application/json");
        }

        try
        {
            using HttpResponseMessage response = await _client.SendAsync(request, TestContext.Current.CancellationToken);
            return (response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        }
        catch (HttpRequestException ex)
        {
            return (0, ex.GetType().Name);
        }
    }
}
