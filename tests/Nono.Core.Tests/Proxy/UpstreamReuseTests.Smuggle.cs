using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using Nono.Core.Proxy;

namespace Nono.Core.Tests.Proxy;

public sealed partial class UpstreamReuseTests
{
    /// <summary>
    /// Review finding (must-fix): a "CL.0" upstream answers <c>/v1/static</c> without reading its body. The child sends a
    /// GET whose body is the unfinished head of <c>POST /v1/capture</c>; had the proxy pooled that connection, the child's
    /// next request (with the real credential injected) would become the captured body, echoed back to the child. The
    /// proxy closes a credential route's connection after any request body, so the next request goes on a new connection.
    /// </summary>
    [Fact]
    public async Task Cl0Upstream_BodyThatIsARequestPrefix_NeverCapturesTheRealCredential()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TcpListener listener = new(IPAddress.Loopback, 0);
        listener.Start();
        ConcurrentQueue<string> heads = new();
        int accepts = 0;
        _ = Task.Run(async () =>
        {
            while (true)
            {
                TcpClient client;
                try
                {
                    client = await listener.AcceptTcpClientAsync(ct);
                }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
                {
                    return;
                }

                Interlocked.Increment(ref accepts);
                _ = Task.Run(() => ServeCl0Async(client, heads, ct), ct);
            }
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
        string phantom = proxy.ChildEnvironment["OPENAI_API_KEY"];

        string prefix = "POST /v1/capture HTTP/1.1\r\nHost: x\r\nContent-Length: 250\r\n\r\n";
        using (Socket first = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await first.ConnectAsync(new IPEndPoint(IPAddress.Loopback, proxy.Port), ct);
            await first.SendAsync(Encoding.Latin1.GetBytes(
                $"GET /openai/static HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {phantom}\r\nContent-Length: {prefix.Length}\r\n\r\n{prefix}"), SocketFlags.None, ct);
            Assert.Contains("200 OK", await ProxyHarness.ReadUntilAsync(first, "\r\n\r\nok", ct), StringComparison.Ordinal);
        }

        string second = await ProxyHarness.RawAsync(proxy,
            $"POST /openai/models HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {phantom}\r\nContent-Length: 300\r\nConnection: close\r\n\r\n{new string('b', 300)}");

        Assert.DoesNotContain(_secret, second, StringComparison.Ordinal);
        Assert.DoesNotContain("captured", second, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\nfine", second, StringComparison.Ordinal); // the legitimate request got its own answer
        Assert.Equal(2, Volatile.Read(ref accepts));
        string[] fromProxy = [.. heads.Where(h => !h.StartsWith("POST /v1/capture", StringComparison.Ordinal))]; // the prefix is parsed too
        Assert.Equal(2, fromProxy.Length);
        Assert.All(fromProxy, h => Assert.Contains("\r\nConnection: close\r\n", h, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Reuse stays for requests without a body: a body's connection is closed, the ones around it are shared.</summary>
    [Fact]
    public async Task CredentialRoute_RequestWithBody_ClosesItsConnection_BodylessOnesAreStillReused()
    {
        await using LoopbackServer origin = new(certificate: _certs.Server);
        RunningProxy proxy = await StartAsync(origin, Route("openai"));

        await SendAsync(proxy, "openai", HttpMethod.Get, "/a");
        (HttpStatusCode posted, string body) = await SendAsync(proxy, "openai", HttpMethod.Post, "/chat", "{\"n\":1}");
        await SendAsync(proxy, "openai", HttpMethod.Get, "/b");
        await SendAsync(proxy, "openai", HttpMethod.Get, "/c");
        await proxy.DisposeAsync();

        Assert.Equal((HttpStatusCode.OK, "hello from upstream /v1/chat"), (posted, body));
        Assert.Equal([("/v1/a", 1), ("/v1/chat", 1), ("/v1/b", 2), ("/v1/c", 2)], origin.Requests.Select(r => (r.Target, r.Connection)));
        Assert.Equal([null, "close", null, null], origin.Requests.Select(r => r.Header("Connection")));
    }

    /// <summary>Forward requests carry no credential: their connections are still pooled after a body.</summary>
    [Fact]
    public async Task Forward_RequestWithBody_ConnectionIsStillReused()
    {
        await using LoopbackServer origin = new();
        await using RunningProxy proxy = await StartForwardAsync(origin);
        using HttpClient client = ProxyHarness.ProxiedClient(proxy);
        string url = $"http://{ProxyHarness.TestHost}:{origin.Port}";

        using HttpResponseMessage posted = await client.PostAsync(url + "/post", new StringContent("{}"), TestContext.Current.CancellationToken);
        string second = await client.GetStringAsync(url + "/two", TestContext.Current.CancellationToken);

        Assert.Equal((HttpStatusCode.OK, "hello from upstream /two"), (posted.StatusCode, second));
        Assert.Equal([1, 1], origin.Requests.Select(r => r.Connection));
    }

    /// <summary>
    /// An upstream with TRACE enabled would echo the request with the injected credential: the proxy answers 405 itself,
    /// the upstream sees nothing, and other methods on the route still work.
    /// </summary>
    [Fact]
    public async Task CredentialRoute_Trace_IsRefusedBeforeTheUpstream_OtherMethodsStillWork()
    {
        await using LoopbackServer origin = new(certificate: _certs.Server);
        RunningProxy proxy = await StartAsync(origin, Route("openai"));

        (HttpStatusCode traced, string tracedBody) = await SendAsync(proxy, "openai", HttpMethod.Trace, "/echo");
        (HttpStatusCode got, string body) = await SendAsync(proxy, "openai", HttpMethod.Get, "/models");
        await proxy.DisposeAsync();

        Assert.Equal(HttpStatusCode.MethodNotAllowed, traced);
        Assert.DoesNotContain(_secret, tracedBody, StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.OK, "hello from upstream /v1/models"), (got, body));
        Assert.Equal(["/v1/models"], origin.Requests.Select(r => r.Target));
        Assert.Equal([("TRACE", ProxyDecision.Denied, 405, "trace-refused"), ("GET", ProxyDecision.Allowed, 200, "allowed")],
            _sink.Events.Select(e => (e.Method, e.Decision, e.Status, e.Reason)));
    }

    /// <summary>A CL.0 origin: it never reads the body of <c>/v1/static</c>, reads every other body by Content-Length, and echoes <c>/v1/capture</c>'s.</summary>
    private async Task ServeCl0Async(TcpClient client, ConcurrentQueue<string> heads, CancellationToken ct)
    {
        using TcpClient owned = client;
        await using SslStream tls = new(client.GetStream());
        try
        {
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certs.Server }, ct);
            while (true)
            {
                StringBuilder head = new();
                byte[] one = new byte[1];
                while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
                {
                    if (await tls.ReadAsync(one, ct) == 0)
                    {
                        return;
                    }

                    head.Append((char)one[0]);
                }

                string text = head.ToString();
                heads.Enqueue(text);
                string target = text.Split(' ')[1];
                string? lengthLine = text.Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
                byte[] body = new byte[lengthLine is null ? 0 : int.Parse(lengthLine[15..].Trim(), System.Globalization.CultureInfo.InvariantCulture)];
                string answer = "ok";
                if (target != "/v1/static")
                {
                    await tls.ReadExactlyAsync(body, ct);
                    answer = target == "/v1/capture" ? "captured:" + Encoding.Latin1.GetString(body) : "fine";
                }

                byte[] payload = Encoding.Latin1.GetBytes(answer);
                await tls.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {payload.Length}\r\n\r\n"), ct);
                await tls.WriteAsync(payload, ct);
                await tls.FlushAsync(ct);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
        {
            // the proxy closed the connection
        }
    }
}
