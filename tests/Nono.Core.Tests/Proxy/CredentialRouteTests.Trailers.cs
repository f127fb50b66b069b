using System.Text;
using Nono.Core.Proxy;

namespace Nono.Core.Tests.Proxy;

public sealed partial class CredentialRouteTests
{
    [Fact]
    public async Task ResponseTrailersEchoingTheCredential_AreDroppedAndTheBodyArrives()
    {
        // Only the head is masked; before, a chunked response's trailer carried the real credential to the command
        // (review of session 10).
        Task Echo(RecordedRequest request, Stream stream)
        {
            string response = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Echo\r\n\r\n"
                + "5\r\nhello\r\n0\r\n"
                + $"X-Echo: Bearer {_secret}\r\n\r\n";
            return stream.WriteAsync(Encoding.ASCII.GetBytes(response)).AsTask();
        }

        await using RunningProxy proxy = await StartAsync(Echo, Service("tg"));
        string phantom = proxy.ChildEnvironment["TG_API_KEY"];

        string received = await ProxyHarness.RawAsync(proxy, $"GET /tg/getMe HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {phantom}\r\nContent-Length: 0\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 200", received, StringComparison.Ordinal);
        Assert.Single(_origin!.Requests);
        Assert.Contains("5\r\nhello\r\n0\r\n\r\n", received, StringComparison.Ordinal);
        Assert.DoesNotContain(_secret, received, StringComparison.Ordinal);
        Assert.DoesNotContain("X-Echo:", received, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokensInRefusedTargets_DoNotReachTheRecord_EvenWhenTheTextIsShortened()
    {
        // Refused targets are shortened for the record; before, the shortening ran first and left 60 of a token's 64
        // digits that the redaction no longer recognised (review of session 10).
        await using RunningProxy proxy = await StartAsync(null, Service("tg"));
        string phantom = proxy.ChildEnvironment["TG_API_KEY"];
        string padding = new('a', 20);
        string auth = ProxyHarness.BasicProxyAuth(proxy.SessionToken);

        string connect = await ProxyHarness.RawAsync(proxy, $"CONNECT {padding}{proxy.SessionToken}:x HTTP/1.1\r\n{auth}\r\n");
        string route = await ProxyHarness.RawAsync(proxy, $"GET /{padding}{phantom}/x HTTP/1.1\r\nHost: x\r\n\r\n");
        string legitimate = await ProxyHarness.RawAsync(proxy, $"GET /tg/getMe HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {phantom}\r\nContent-Length: 0\r\n\r\n");
        await proxy.DisposeAsync();

        Assert.StartsWith("HTTP/1.1 400", connect, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 404", route, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 200", legitimate, StringComparison.Ordinal);
        Assert.Equal(3, _sink.Events.Count);
        foreach (ProxyEvent e in _sink.Events)
        {
            string text = $"{e.Host} {e.Path} {e.Method}";
            foreach (string secret in new[] { phantom, proxy.SessionToken })
            {
                Assert.DoesNotContain(secret[^16..], text, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain(secret[20..36], text, StringComparison.OrdinalIgnoreCase);
            }
        }

        Assert.Equal("/getMe", _sink.Events[2].Path); // an ordinary path is recorded as it was
    }
}
