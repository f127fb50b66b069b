using System.Net;
using System.Net.Sockets;
using System.Text;
using Nono.Core.Proxy;

namespace Nono.Core.Tests.Proxy;

/// <summary>The request framing the upstream sees is the proxy's own, not the child's bytes.</summary>
public sealed partial class UpstreamReuseTests
{
    /// <summary>
    /// A chunk-size line with an extension and padding goes out as plain hex, request trailers are dropped, and repeated
    /// equal Content-Length lines go out as one line with the parsed value. The bodies arrive intact.
    /// </summary>
    [Fact]
    public async Task RequestFraming_IsReEmitted_ChunkExtensionsTrailersAndRepeatedLengthsNeverReachTheUpstream()
    {
        await using LoopbackServer origin = new(certificate: _certs.Server);
        RunningProxy proxy = await StartAsync(origin, Route("openai"));
        string auth = "Authorization: Bearer " + proxy.ChildEnvironment["OPENAI_API_KEY"];

        string chunked = await ProxyHarness.RawAsync(proxy,
            $"POST /openai/chunked HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
            + "05;ext=\"x\" \t\r\nhello\r\n0;last=1\r\nX-Trailer: smuggled\r\n\r\n");
        string counted = await ProxyHarness.RawAsync(proxy,
            $"POST /openai/counted HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}\r\nContent-Length: 005\r\nContent-Length: 5\r\nConnection: close\r\n\r\nworld");
        await proxy.DisposeAsync();

        Assert.Contains("200 OK", chunked, StringComparison.Ordinal);
        Assert.Contains("200 OK", counted, StringComparison.Ordinal);
        string[] raw = [.. origin.RawReceived.Select(b => Encoding.Latin1.GetString(b))];
        Assert.Equal(2, raw.Length);
        Assert.EndsWith("\r\n\r\n5\r\nhello\r\n0\r\n\r\n", raw[0], StringComparison.Ordinal);
        Assert.DoesNotContain("X-Trailer", raw[0], StringComparison.Ordinal);
        Assert.DoesNotContain("ext", raw[0], StringComparison.Ordinal);
        Assert.Single(raw[1].Split("\r\n"), l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        Assert.Contains("\r\nContent-Length: 5\r\n", raw[1], StringComparison.Ordinal);
        Assert.Equal(["hello", "world"], origin.Requests.Select(r => Encoding.ASCII.GetString(r.Body)));
    }

    /// <summary>An upstream that drops the connection during the TLS handshake gets the child a 502 and an event, not a reset.</summary>
    [Fact]
    public async Task UpstreamDropsDuringTlsHandshake_ChildGets502AndAnEvent()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TcpListener listener = new(IPAddress.Loopback, 0);
        listener.Start();
        Task drop = Task.Run(async () =>
        {
            using Socket accepted = await listener.AcceptSocketAsync(ct);
            await accepted.ReceiveAsync(new byte[1], SocketFlags.None, ct); // the ClientHello began: the handshake is under way
            accepted.LingerState = new LingerOption(true, 0); // reset, mid-handshake
        }, ct);
        await using RunningProxy proxy = await EgressProxy.StartAsync(
            new ProxyOptions
            {
                Services = [Route("openai") with { Upstream = new Uri($"https://{ProxyHarness.TestHost}:{((IPEndPoint)listener.LocalEndpoint).Port}/v1") }],
                SupervisorEnvironment = new Dictionary<string, string> { ["REAL_SECRET"] = _secret },
                ResolverOverrides = [ProxyHarness.Loopback(ProxyHarness.TestHost)],
                UpstreamTrustRoots = _certs.CaCollection,
                TimeProvider = _clock,
            },
            listener: null, _sink, ct);

        (HttpStatusCode status, _) = await SendAsync(proxy, "openai", HttpMethod.Get, "/models");
        await drop;
        await proxy.DisposeAsync();

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Equal([(502, "upstream-tls-failed")], _sink.Events.Select(e => (e.Status, e.Reason)));
    }
}
