using System.Net;
using System.Text;
using Nono.Core.Proxy;

namespace Nono.Core.Tests.Proxy;

/// <summary>Exchanges after which the upstream connection must not be reused, and upstreams that drop pooled connections.</summary>
public sealed partial class UpstreamReuseTests
{
    /// <summary>
    /// A first request makes the connection, the second (on the same connection) ends in a way that forbids reuse, and the
    /// third must come on a new connection. The origin keeps the connection open where the case allows, so a proxy that
    /// reused it anyway would put the third request on connection 1.
    /// </summary>
    [Theory]
    [InlineData("connection-close")]
    [InlineData("read-until-close")]
    [InlineData("head")]
    [InlineData("error-mid-body")]
    [InlineData("bare-lf-in-chunk-line")]
    [InlineData("error-status-to-a-body")]
    public async Task ExchangeThatForbidsReuse_NextRequestUsesANewConnection(string kind)
    {
        async Task Respond(RecordedRequest request, Stream stream)
        {
            if (request.Target != "/v1/special")
            {
                await LoopbackServer.RespondTextAsync(request, stream);
                return;
            }

            string response = kind switch
            {
                "connection-close" => "HTTP/1.1 200 OK\r\nContent-Length: 7\r\nConnection: close\r\n\r\nspecial",
                "read-until-close" => "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nspecial",
                "head" => "HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n",
                "bare-lf-in-chunk-line" => "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7;a\nb\r\nspecial\r\n0\r\n\r\n",
                "error-status-to-a-body" => "HTTP/1.1 401 Unauthorized\r\nContent-Length: 7\r\n\r\nspecial", // may not have read the body
                _ => "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7\r\nspecial\r\nzz\r\n", // a broken chunk size
            };
            await stream.WriteAsync(Encoding.ASCII.GetBytes(response));
            await stream.FlushAsync();
            if (kind == "read-until-close")
            {
                await stream.DisposeAsync(); // the body ends here
            }
        }

        await using LoopbackServer origin = new(Respond, _certs.Server, keepAlive: true);
        await using RunningProxy proxy = await StartAsync(origin, Route("openai"));

        (HttpStatusCode first, _) = await SendAsync(proxy, "openai", HttpMethod.Get, "/first");
        (HttpMethod method, string? content) = kind switch { "head" => (HttpMethod.Head, null), "error-status-to-a-body" => (HttpMethod.Post, "{}"), _ => (HttpMethod.Get, (string?)null) };
        (HttpStatusCode special, string specialBody) = await SendAsync(proxy, "openai", method, "/special", content);
        (HttpStatusCode third, string thirdBody) = await SendAsync(proxy, "openai", HttpMethod.Get, "/third");

        Assert.Equal(HttpStatusCode.OK, first);
        Assert.Equal(
            kind switch
            {
                "head" => (HttpStatusCode.OK, string.Empty),
                "error-mid-body" or "bare-lf-in-chunk-line" => (0, "HttpRequestException"),
                "error-status-to-a-body" => (HttpStatusCode.Unauthorized, "special"),
                _ => (HttpStatusCode.OK, "special"),
            },
            (special, specialBody));
        Assert.Equal((HttpStatusCode.OK, "hello from upstream /v1/third"), (third, thirdBody));
        Assert.Equal([1, 1, 2], origin.Requests.Select(r => r.Connection));
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    public async Task UpstreamClosedIdlePooledConnection_NextRequestSucceedsOnANewOne(string method)
    {
        TaskCompletionSource closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task Respond(RecordedRequest request, Stream stream)
        {
            await LoopbackServer.RespondTextAsync(request, stream);
            if (request.Target == "/v1/first")
            {
                await stream.FlushAsync();
                await stream.DisposeAsync(); // closes while the proxy holds the connection idle, as a server's keep-alive timeout does
                closed.SetResult();
            }
        }

        await using LoopbackServer origin = new(Respond, _certs.Server, keepAlive: true);
        await using RunningProxy proxy = await StartAsync(origin, Route("openai"));
        await SendAsync(proxy, "openai", HttpMethod.Get, "/first");
        await closed.Task.WaitAsync(TestContext.Current.CancellationToken);

        (HttpStatusCode second, string body) = await SendAsync(proxy, "openai", new HttpMethod(method), "/second", method == "POST" ? "{\"n\":1}" : null);
        (HttpStatusCode third, _) = await SendAsync(proxy, "openai", HttpMethod.Get, "/third");

        Assert.Equal((HttpStatusCode.OK, "hello from upstream /v1/second"), (second, body));
        Assert.Equal(HttpStatusCode.OK, third);
        int thirdConnection = method == "POST" ? 3 : 2; // a credential route's connection is closed after a request body
        Assert.Equal([("/v1/first", 1), ("/v1/second", 2), ("/v1/third", thirdConnection)], origin.Requests.Select(r => (r.Target, r.Connection)));
    }

    /// <summary>
    /// The upstream takes the request on the reused connection and drops it without a byte of response (the keep-alive
    /// race). A GET without a body is sent again on a new connection; a POST is not (the upstream may have processed it):
    /// the child gets a 502 and the upstream saw the POST exactly once.
    /// </summary>
    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    public async Task UpstreamDropsReusedConnectionUnderARequest_OnlyTheIdempotentOneIsRetried(string method)
    {
        async Task Respond(RecordedRequest request, Stream stream)
        {
            if (request.Target == "/v1/second" && request.Connection == 1)
            {
                await stream.DisposeAsync(); // read the request, then closed without answering
                return;
            }

            await LoopbackServer.RespondTextAsync(request, stream);
        }

        await using LoopbackServer origin = new(Respond, _certs.Server, keepAlive: true);
        RunningProxy proxy = await StartAsync(origin, Route("openai"));
        await SendAsync(proxy, "openai", HttpMethod.Get, "/first");

        (HttpStatusCode second, string body) = await SendAsync(proxy, "openai", new HttpMethod(method), "/second", method == "POST" ? "{\"n\":1}" : null);
        (HttpStatusCode third, _) = await SendAsync(proxy, "openai", HttpMethod.Get, "/third");
        await proxy.DisposeAsync();

        Assert.Equal(HttpStatusCode.OK, third);
        if (method == "GET")
        {
            Assert.Equal((HttpStatusCode.OK, "hello from upstream /v1/second"), (second, body));
            Assert.Equal([("/v1/first", 1), ("/v1/second", 1), ("/v1/second", 2), ("/v1/third", 2)], origin.Requests.Select(r => (r.Target, r.Connection)));
            Assert.Equal(3, _sink.Events.Count); // one event per child request, the retry included
            Assert.All(_sink.Events, e => Assert.Equal(200, e.Status));
        }
        else
        {
            Assert.Equal(HttpStatusCode.BadGateway, second);
            Assert.Equal([("/v1/first", 1), ("/v1/second", 1), ("/v1/third", 2)], origin.Requests.Select(r => (r.Target, r.Connection)));
            Assert.Equal([200, 502, 200], _sink.Events.Select(e => e.Status));
        }
    }
}
