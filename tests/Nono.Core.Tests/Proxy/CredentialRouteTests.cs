using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Nono.Core.Proxy;

namespace Nono.Core.Tests.Proxy;

public sealed partial class CredentialRouteTests : IAsyncDisposable
{
    private readonly TestCertificates _certs = new(ProxyHarness.TestHost);
    private readonly string _secret = "sk-" + RandomNumberGenerator.GetHexString(40, lowercase: true);
    private readonly CapturingSink _sink = new();
    private LoopbackServer? _origin;

    public async ValueTask DisposeAsync()
    {
        if (_origin is not null)
        {
            await _origin.DisposeAsync();
        }

        _certs.Dispose();
    }

    private async Task<RunningProxy> StartAsync(Func<RecordedRequest, Stream, Task>? handler = null, params CredentialService[] services)
    {
        _origin = new LoopbackServer(handler, _certs.Server);
        CredentialService[] withPort = [.. services.Select(s => s with { Upstream = new Uri($"https://{ProxyHarness.TestHost}:{_origin.Port}{s.Upstream.AbsolutePath}") })];
        return await EgressProxy.StartAsync(
            new ProxyOptions
            {
                Services = withPort,
                SupervisorEnvironment = new Dictionary<string, string> { ["REAL_SECRET"] = _secret },
                ResolverOverrides = [ProxyHarness.Loopback(ProxyHarness.TestHost)],
                UpstreamTrustRoots = _certs.CaCollection,
            },
            listener: null,
            _sink,
            TestContext.Current.CancellationToken);
    }

    private static CredentialService Service(string name, InjectMode mode = InjectMode.Header, string header = "Authorization", string format = "Bearer {}", string basePath = "/v1") => new()
    {
        Name = name,
        Upstream = new Uri("https://placeholder" + basePath),
        CredentialKey = "env://REAL_SECRET",
        InjectMode = mode,
        InjectHeader = header,
        CredentialFormat = format,
        EnvVar = name.ToUpperInvariant() + "_API_KEY",
    };

    [Fact]
    public async Task HeaderMode_PhantomInBearer_UpstreamSeesRealSecretOnly()
    {
        await using RunningProxy proxy = await StartAsync(null, Service("openai"));
        string phantom = proxy.ChildEnvironment["OPENAI_API_KEY"];
        using HttpClient client = ProxyHarness.DirectClient();
        using HttpRequestMessage request = new(HttpMethod.Post, proxy.ChildEnvironment["OPENAI_BASE_URL"] + "/chat/completions")
        {
            Content = new StringContent("{\"model\":\"x\"}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", phantom);

        using HttpResponseMessage response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        RecordedRequest seen = Assert.Single(_origin!.Requests);
        Assert.Equal("POST /v1/chat/completions HTTP/1.1", seen.RequestLine);
        Assert.Equal("Bearer " + _secret, seen.Header("Authorization"));
        Assert.Equal("{\"model\":\"x\"}", Encoding.UTF8.GetString(seen.Body));
        Assert.DoesNotContain(phantom, Encoding.Latin1.GetString(_origin.RawReceived.Single()), StringComparison.OrdinalIgnoreCase);
        Assert.Matches("^[0-9a-f]{64}$", phantom);
        await proxy.DisposeAsync(); // drains connections: every event is recorded
        ProxyEvent e = Assert.Single(_sink.Events);
        Assert.Equal((ProxyMode.Reverse, ProxyDecision.Allowed, 200, "openai", "/chat/completions"), (e.Mode, e.Decision, e.Status, e.Host, e.Path));
    }

    [Fact]
    public async Task ChildEnvironment_HoldsPhantomAndRouteButNoByteOfTheSecret()
    {
        CredentialService custom = Service("my-svc") with { EnvVar = "MY_TOKEN" };
        await using RunningProxy proxy = await StartAsync(null, Service("openai") with { BaseUrlEnvVar = "OPENAI_BASE_URL" }, custom);

        IReadOnlyDictionary<string, string> env = proxy.ChildEnvironment;

        Assert.Equal(proxy.RouteUrl("my-svc"), env["MY_SVC_BASE_URL"]);
        Assert.Matches("^[0-9a-f]{64}$", env["MY_TOKEN"]);
        Assert.NotEqual(env["MY_TOKEN"], env["OPENAI_API_KEY"]);
        Assert.Equal("1", env["NODE_USE_ENV_PROXY"]);
        Assert.Equal($"http://nono:{proxy.SessionToken}@127.0.0.1:{proxy.Port}", env["HTTPS_PROXY"]);
        Assert.Equal(env["HTTPS_PROXY"], env["http_proxy"]);
        Assert.Contains("127.0.0.1", env["NO_PROXY"], StringComparison.Ordinal);
        string all = string.Join("\n", env.Select(kv => kv.Key + "=" + kv.Value));
        Assert.DoesNotContain(_secret, all, StringComparison.Ordinal);
        Assert.DoesNotContain(_secret[3..15], all, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HeaderMode_WrongOrForeignPhantom_IsRefusedAndNothingIsForwarded()
    {
        await using RunningProxy proxy = await StartAsync(null, Service("openai"), Service("other") with { EnvVar = "OTHER_KEY" });
        using HttpClient client = ProxyHarness.DirectClient();
        string[] presented = [RandomNumberGenerator.GetHexString(64, lowercase: true), proxy.ChildEnvironment["OTHER_KEY"], proxy.SessionToken, string.Empty];

        foreach (string token in presented)
        {
            using HttpRequestMessage request = new(HttpMethod.Get, proxy.RouteUrl("openai") + "/models");
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
            using HttpResponseMessage response = await client.SendAsync(request, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        Assert.Empty(_origin!.Requests);
        Assert.All(_sink.Events, e => Assert.Equal("phantom-token-invalid", e.Reason));
    }

    [Fact]
    public async Task HeaderMode_PhantomAlsoInAnotherHeader_IsRefusedNotForwarded()
    {
        await using RunningProxy proxy = await StartAsync(null, Service("anthropic", header: "x-api-key", format: "{}", basePath: "/"));
        string phantom = proxy.ChildEnvironment["ANTHROPIC_API_KEY"];
        using HttpClient client = ProxyHarness.DirectClient();
        using HttpRequestMessage request = new(HttpMethod.Get, proxy.RouteUrl("anthropic") + "/v1/messages");
        request.Headers.TryAddWithoutValidation("x-api-key", phantom);
        request.Headers.TryAddWithoutValidation("X-Debug-Echo", "token=" + phantom);

        using HttpResponseMessage response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(_origin!.Requests);
    }

    [Fact]
    public async Task Events_NeverContainSecretPhantomOrSessionToken()
    {
        RunningProxy proxy = await StartAsync(null, Service("openai"), Service("tg", InjectMode.UrlPath, format: "bot{}", basePath: "/") with { EnvVar = "TG_KEY" });
        string phantom = proxy.ChildEnvironment["OPENAI_API_KEY"];
        string tg = proxy.ChildEnvironment["TG_KEY"];
        using HttpClient client = ProxyHarness.DirectClient();
        string[] raws =
        [
            $"GET /openai/models?x={phantom} HTTP/1.1\r\nAuthorization: Bearer {phantom}\r\n\r\n",
            $"GET /openai/models HTTP/1.1\r\nAuthorization: Bearer {phantom}\r\n\r\n",
            $"GET /openai/models HTTP/1.1\r\nAuthorization: Bearer {tg}\r\n\r\n",
            $"GET /tg/bot{tg}/getMe HTTP/1.1\r\n\r\n",
            $"GET /{phantom}/x HTTP/1.1\r\n\r\n",
            $"{phantom.ToUpperInvariant()} /openai/models HTTP/1.1\r\n\r\n",
            $"CONNECT {proxy.SessionToken}.example:443 HTTP/1.1\r\n\r\n",
            $"CONNECT {phantom}.example:443 HTTP/1.1\r\nProxy-Authorization: Basic {Convert.ToBase64String(Encoding.ASCII.GetBytes("nono:" + proxy.SessionToken))}\r\n\r\n",
        ];

        foreach (string raw in raws)
        {
            await ProxyHarness.RawAsync(proxy, raw);
        }

        await proxy.DisposeAsync();
        string all = string.Join("\n", _sink.Events.Select(e => e.ToString()));
        Assert.Equal(raws.Length, _sink.Events.Count);
        foreach (string secret in new[] { _secret, phantom, tg, proxy.SessionToken })
        {
            Assert.DoesNotContain(secret, all, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task BasicAuthMode_PhantomAsPassword_UpstreamGetsRealUserAndPassword()
    {
        await using RunningProxy proxy = await StartAsync(null, Service("registry", InjectMode.BasicAuth));
        string phantom = proxy.ChildEnvironment["REGISTRY_API_KEY"];
        using HttpClient client = ProxyHarness.DirectClient();
        using HttpRequestMessage request = new(HttpMethod.Get, proxy.RouteUrl("registry") + "/pkg");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("ci-user:" + phantom)));

        using HttpResponseMessage response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        string expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("ci-user:" + _secret));
        Assert.Equal(expected, Assert.Single(_origin!.Requests).Header("Authorization"));
    }

    [Fact]
    public async Task QueryParamMode_PhantomInKey_IsReplacedInQuery()
    {
        await using RunningProxy proxy = await StartAsync(null, Service("gemini", InjectMode.QueryParam) with { QueryParameter = "key" });
        string phantom = proxy.ChildEnvironment["GEMINI_API_KEY"];
        using HttpClient client = ProxyHarness.DirectClient();

        using HttpResponseMessage response = await client.GetAsync(proxy.RouteUrl("gemini") + $"/models?alt=sse&key={phantom}&x=1", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"/v1/models?alt=sse&key={Uri.EscapeDataString(_secret)}&x=1", Assert.Single(_origin!.Requests).Target);
    }

    [Fact]
    public async Task UrlPathMode_PhantomInPath_IsReplacedInPath()
    {
        await using RunningProxy proxy = await StartAsync(null, Service("telegram", InjectMode.UrlPath, format: "bot{}", basePath: "/"));
        string phantom = proxy.ChildEnvironment["TELEGRAM_API_KEY"];
        using HttpClient client = ProxyHarness.DirectClient();

        using HttpResponseMessage response = await client.GetAsync(proxy.RouteUrl("telegram") + $"/bot{phantom}/getMe", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"/bot{_secret}/getMe", Assert.Single(_origin!.Requests).Target);
        await proxy.DisposeAsync();
        Assert.Equal("/bot[phantom]/getMe", Assert.Single(_sink.Events).Path);
    }
}
