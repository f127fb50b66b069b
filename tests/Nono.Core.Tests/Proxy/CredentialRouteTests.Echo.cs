using System.Text;
using Nono.Core.Proxy;

namespace Nono.Core.Tests.Proxy;

public sealed partial class CredentialRouteTests
{
    [Theory]
    [InlineData(InjectMode.Header)]
    [InlineData(InjectMode.UrlPath)]
    [InlineData(InjectMode.QueryParam)]
    public async Task ResponseHeadersEchoingTheCredential_CarryThePhantomInstead(InjectMode mode)
    {
        // The origin hands the credential back raw, percent-encoded and base64-encoded, and in a redirect's Location.
        Task Echo(RecordedRequest request, Stream stream)
        {
            string b64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(_secret));
            string head = "HTTP/1.1 302 Found\r\n"
                + $"Location: https://{ProxyHarness.TestHost}/bot{Uri.EscapeDataString(_secret)}/next?key={_secret}\r\n"
                + $"X-Debug-Auth: Bearer {_secret}\r\nX-Encoded: {b64}\r\nX-Plain: unrelated\r\nContent-Length: 0\r\n\r\n";
            return stream.WriteAsync(Encoding.ASCII.GetBytes(head)).AsTask();
        }

        CredentialService svc = mode switch
        {
            InjectMode.UrlPath => Service("tg", InjectMode.UrlPath, format: "bot{}", basePath: "/"),
            InjectMode.QueryParam => Service("tg", InjectMode.QueryParam, basePath: "/"),
            _ => Service("tg"),
        };
        await using RunningProxy proxy = await StartAsync(Echo, svc);
        string phantom = proxy.ChildEnvironment["TG_API_KEY"];
        string path = mode switch
        {
            InjectMode.UrlPath => $"/tg/bot{phantom}/getMe",
            InjectMode.QueryParam => $"/tg/getMe?key={phantom}",
            _ => "/tg/getMe",
        };
        string auth = mode == InjectMode.Header ? $"Authorization: Bearer {phantom}\r\n" : string.Empty;

        string response = await ProxyHarness.RawAsync(proxy, $"GET {path} HTTP/1.1\r\nHost: x\r\n{auth}Content-Length: 0\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 302", response, StringComparison.Ordinal);
        Assert.Single(_origin!.Requests); // the route injected the real credential upstream
        Assert.DoesNotContain(_secret, response, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(_secret)).TrimEnd('='), response, StringComparison.Ordinal);
        Assert.Contains($"Location: https://{ProxyHarness.TestHost}/bot{phantom}/next?key={phantom}\r\n", response, StringComparison.Ordinal);
        Assert.Contains($"X-Debug-Auth: Bearer {phantom}\r\n", response, StringComparison.Ordinal);
        Assert.Contains("X-Plain: unrelated\r\n", response, StringComparison.Ordinal); // other headers untouched
    }
}
