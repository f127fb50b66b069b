using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Nono.Core.Proxy;

namespace Nono.Core.Tests.Proxy;

public sealed partial class CredentialRouteTests
{
    [Fact]
    public async Task UntrustedUpstreamCertificate_FailsBeforeTheCredentialIsSent()
    {
        using TestCertificates impostor = new(ProxyHarness.TestHost);
        await using LoopbackServer origin = new(certificate: impostor.Server);
        await using RunningProxy proxy = await EgressProxy.StartAsync(
            new ProxyOptions
            {
                Services = [Service("openai") with { Upstream = new Uri($"https://{ProxyHarness.TestHost}:{origin.Port}/v1") }],
                SupervisorEnvironment = new Dictionary<string, string> { ["REAL_SECRET"] = _secret },
                ResolverOverrides = [ProxyHarness.Loopback(ProxyHarness.TestHost)],
                UpstreamTrustRoots = _certs.CaCollection, // trusts the test CA, not the impostor's
            },
            null,
            _sink,
            TestContext.Current.CancellationToken);
        using HttpClient client = ProxyHarness.DirectClient();
        using HttpRequestMessage request = new(HttpMethod.Get, proxy.RouteUrl("openai") + "/models");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", proxy.ChildEnvironment["OPENAI_API_KEY"]);

        using HttpResponseMessage response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Empty(origin.Requests);
        Assert.Contains(_sink.Events, e => e.Reason == "upstream-tls-failed");
    }

    [Fact]
    public async Task CredentialRoute_ReachedThroughTheProxyItself_StillSwapsThePhantom()
    {
        await using RunningProxy proxy = await StartAsync(null, Service("openai"));
        string phantom = proxy.ChildEnvironment["OPENAI_API_KEY"];
        string raw = $"GET {proxy.RouteUrl("openai")}/models HTTP/1.1\r\n{ProxyHarness.BasicProxyAuth(proxy.SessionToken)}Authorization: Bearer {phantom}\r\n\r\n";

        string response = await ProxyHarness.RawAsync(proxy, raw);

        Assert.StartsWith("HTTP/1.1 200", response, StringComparison.Ordinal);
        RecordedRequest seen = Assert.Single(_origin!.Requests);
        Assert.Equal("GET /v1/models HTTP/1.1", seen.RequestLine);
        Assert.Equal("Bearer " + _secret, seen.Header("Authorization"));
        Assert.False(seen.HasHeader("Proxy-Authorization"));
    }

    [Fact]
    public async Task UpstreamResponseHeadOverLimit_Gives502()
    {
        static async Task Huge(RecordedRequest request, Stream stream)
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nX-Big: " + new string('b', 70 * 1024) + "\r\nContent-Length: 0\r\n\r\n"));
        }

        await using RunningProxy proxy = await StartAsync(Huge, Service("openai"));
        using HttpClient client = ProxyHarness.DirectClient();
        using HttpRequestMessage request = new(HttpMethod.Get, proxy.RouteUrl("openai") + "/models");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", proxy.ChildEnvironment["OPENAI_API_KEY"]);

        using HttpResponseMessage response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.DoesNotContain("bbbb", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }
}
