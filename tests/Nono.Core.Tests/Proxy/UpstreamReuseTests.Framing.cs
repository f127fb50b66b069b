using System.Net;
using System.Text;
using Nono.Core.Proxy;

namespace Nono.Core.Tests.Proxy;

/// <summary>Response framing the proxy must not trust for reuse, seen as raw bytes by the child.</summary>
public sealed partial class UpstreamReuseTests
{
    /// <summary>
    /// RFC 9112 section 6.3 (3): a response with Transfer-Encoding and Content-Length is framed by the chunks, reaches the
    /// child without the Content-Length, and its connection is not reused (the next request comes on a new one).
    /// </summary>
    [Fact]
    public async Task ResponseWithChunkedAndContentLength_LengthIsDropped_ConnectionNotReused()
    {
        await using LoopbackServer origin = new(
            RawResponseFor("/v1/both", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n7\r\nspecial\r\n0\r\n\r\n"),
            _certs.Server, keepAlive: true);
        await using RunningProxy proxy = await StartAsync(origin, Route("openai"));

        string both = await RawRouteGetAsync(proxy, "/both");
        string next = await RawRouteGetAsync(proxy, "/next");

        Assert.StartsWith("HTTP/1.1 200 OK\r\n", both, StringComparison.Ordinal);
        Assert.DoesNotContain("Content-Length", both, StringComparison.OrdinalIgnoreCase);
        Assert.EndsWith("\r\n\r\n7\r\nspecial\r\n0\r\n\r\n", both, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\nok", next, StringComparison.Ordinal);
        Assert.Equal([1, 2], origin.Requests.Select(r => r.Connection));
    }

    /// <summary>
    /// <c>Transfer-Encoding: xchunked</c> is not chunked (the last coding must be exactly that token): the body is read
    /// until the upstream closes, so bytes after a would-be last chunk reach the child instead of staying behind.
    /// </summary>
    [Fact]
    public async Task ResponseWithTransferCodingEndingInChunked_IsNotTakenForChunked()
    {
        async Task Respond(RecordedRequest request, Stream stream)
        {
            await stream.WriteAsync("HTTP/1.1 200 OK\r\nTransfer-Encoding: xchunked\r\n\r\n5\r\nhello\r\n0\r\n\r\nafter"u8.ToArray());
            await stream.FlushAsync();
            await stream.DisposeAsync(); // the body ends here
        }

        await using LoopbackServer origin = new(Respond, _certs.Server, keepAlive: true);
        await using RunningProxy proxy = await StartAsync(origin, Route("openai"));

        string response = await RawRouteGetAsync(proxy, "/x");

        Assert.StartsWith("HTTP/1.1 200 OK\r\n", response, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\n5\r\nhello\r\n0\r\n\r\nafter", response, StringComparison.Ordinal);
    }

    /// <summary>
    /// A reused connection that answers with garbage and closes did receive bytes: the GET is not sent again (the upstream
    /// may have acted on it), the child gets a 502 and the upstream saw the request once.
    /// </summary>
    [Fact]
    public async Task ReusedConnectionAnswersGarbage_IsNotRetried()
    {
        async Task Respond(RecordedRequest request, Stream stream)
        {
            if (request.Target == "/v1/second")
            {
                await stream.WriteAsync("garbage\r\n\r\n"u8.ToArray());
                await stream.FlushAsync();
                await stream.DisposeAsync();
                return;
            }

            await LoopbackServer.RespondTextAsync(request, stream);
        }

        await using LoopbackServer origin = new(Respond, _certs.Server, keepAlive: true);
        RunningProxy proxy = await StartAsync(origin, Route("openai"));
        await SendAsync(proxy, "openai", HttpMethod.Get, "/first");

        (HttpStatusCode second, _) = await SendAsync(proxy, "openai", HttpMethod.Get, "/second");
        await proxy.DisposeAsync();

        Assert.Equal(HttpStatusCode.BadGateway, second);
        Assert.Equal([("/v1/first", 1), ("/v1/second", 1)], origin.Requests.Select(r => (r.Target, r.Connection)));
        Assert.Equal([200, 502], _sink.Events.Select(e => e.Status));
    }

    /// <summary>A 204 whose second Content-Length line names a body is not trusted for reuse (every line is checked).</summary>
    [Fact]
    public async Task NoContentWithAStrayLengthOnASecondLine_ConnectionNotReused()
    {
        await using LoopbackServer origin = new(
            RawResponseFor("/v1/empty", "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nContent-Length: 7\r\n\r\n"),
            _certs.Server, keepAlive: true);
        await using RunningProxy proxy = await StartAsync(origin, Route("openai"));

        string empty = await RawRouteGetAsync(proxy, "/empty");
        string next = await RawRouteGetAsync(proxy, "/next");

        Assert.StartsWith("HTTP/1.1 204 ", empty, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\nok", next, StringComparison.Ordinal);
        Assert.Equal([1, 2], origin.Requests.Select(r => r.Connection));
    }

    /// <summary>
    /// An upstream announcing <c>Keep-Alive: timeout=2</c> may close after 2 s: the pool keeps its connection for 1 s (a
    /// second of margin), not its own 4 s. Within that it is reused; after it the next request connects again.
    /// </summary>
    [Fact]
    public async Task UpstreamKeepAliveTimeout_ShortensTheIdleLimit()
    {
        async Task Respond(RecordedRequest request, Stream stream)
        {
            await stream.WriteAsync("HTTP/1.1 200 OK\r\nKeep-Alive: timeout=2, max=100\r\nContent-Length: 2\r\n\r\nok"u8.ToArray());
            await stream.FlushAsync();
        }

        await using LoopbackServer origin = new(Respond, _certs.Server, keepAlive: true);
        await using RunningProxy proxy = await StartAsync(origin, Route("openai"));

        await SendAsync(proxy, "openai", HttpMethod.Get, "/a");
        _clock.Advance(TimeSpan.FromMilliseconds(900));
        await SendAsync(proxy, "openai", HttpMethod.Get, "/b");
        _clock.Advance(TimeSpan.FromMilliseconds(1100));
        (HttpStatusCode status, string body) = await SendAsync(proxy, "openai", HttpMethod.Get, "/c");

        Assert.Equal((HttpStatusCode.OK, "ok"), (status, body));
        Assert.Equal([("/v1/a", 1), ("/v1/b", 1), ("/v1/c", 2)], origin.Requests.Select(r => (r.Target, r.Connection)));
    }

    /// <summary>One GET on the openai route over a raw socket; the child's whole response as text.</summary>
    private static Task<string> RawRouteGetAsync(RunningProxy proxy, string path) => ProxyHarness.RawAsync(proxy,
        $"GET /openai{path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {proxy.ChildEnvironment["OPENAI_API_KEY"]}\r\nConnection: close\r\n\r\n");

    /// <summary>An origin handler that sends <paramref name="response"/> verbatim to <paramref name="target"/> and a plain 2-byte "ok" to anything else.</summary>
    private static Func<RecordedRequest, Stream, Task> RawResponseFor(string target, string response) => async (request, stream) =>
    {
        string raw = request.Target == target ? response : "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(raw));
        await stream.FlushAsync();
    };
}
