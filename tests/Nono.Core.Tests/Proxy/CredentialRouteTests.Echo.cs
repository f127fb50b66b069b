using System.Security.Cryptography;
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

    [Fact]
    public async Task ResponseHeadersEchoingTheCredentialInsideBase64_AtAnyOffset_CarryThePhantomInstead()
    {
        // Basic base64(user:token) puts the token at byte offset 5: only offset 0 was found before. Every offset modulo
        // 3, both alphabets, padded and not, and one value glued to other base64 text (not decodable from its start).
        static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
        static string Url(string b64) => b64.TrimEnd('=').Replace('+', '-').Replace('/', '_');
        string unrelated = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
        Task Echo(RecordedRequest request, Stream stream)
        {
            string head = "HTTP/1.1 200 OK\r\n"
                + $"X-Basic: Basic {B64("user:" + _secret)}\r\nX-Offset1: {B64("u" + _secret + "!")}\r\n"
                + $"X-Offset0: {B64("ab:" + _secret)}\r\nX-Url: {Url(B64("ci-user:" + _secret + "?x"))}\r\n"
                + $"X-Glued: QU{B64("zz" + _secret)}\r\nX-Query: /next?auth={Uri.EscapeDataString(B64("u:" + _secret))}&x=1\r\nX-Unrelated: {unrelated}\r\nContent-Length: 0\r\n\r\n";
            return stream.WriteAsync(Encoding.ASCII.GetBytes(head)).AsTask();
        }

        await using RunningProxy proxy = await StartAsync(Echo, Service("tg"));
        string phantom = proxy.ChildEnvironment["TG_API_KEY"];

        string response = await ProxyHarness.RawAsync(proxy, $"GET /tg/getMe HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {phantom}\r\nContent-Length: 0\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 200", response, StringComparison.Ordinal);
        Assert.Equal("Bearer " + _secret, Assert.Single(_origin!.Requests).Header("Authorization")); // the route still works
        byte[] secret = Encoding.UTF8.GetBytes(_secret);
        for (int offset = 0; offset < 3; offset++)
        {
            string inner = Base64Echo.InnerPart(secret, offset);
            Assert.True(inner.Length > 50, inner);
            Assert.DoesNotContain(inner, response, StringComparison.Ordinal);
            Assert.DoesNotContain(Url(inner), response, StringComparison.Ordinal);
            Assert.DoesNotContain(Uri.EscapeDataString(inner), response, StringComparison.OrdinalIgnoreCase); // in a URL
        }

        // Decodable values carry the phantom in place of the credential (the alphabet of a value with neither + / nor
        // - _ is a guess, so the values are compared decoded).
        string Decoded(string header)
        {
            int at = response.IndexOf($"\r\n{header}: ", StringComparison.Ordinal) + header.Length + 4;
            string value = response[at..response.IndexOf('\r', at)];
            value = value[(value.LastIndexOf(' ') + 1)..].TrimEnd('=').Replace('-', '+').Replace('_', '/');
            return Encoding.UTF8.GetString(Convert.FromBase64String(value + new string('=', (4 - (value.Length % 4)) % 4)));
        }

        Assert.Equal("user:" + phantom, Decoded("X-Basic"));
        Assert.Equal("u" + phantom + "!", Decoded("X-Offset1"));
        Assert.Equal("ab:" + phantom, Decoded("X-Offset0"));
        Assert.Equal("ci-user:" + phantom + "?x", Decoded("X-Url"));
        Assert.Contains("X-Basic: Basic ", response, StringComparison.Ordinal);
        Assert.Contains($"X-Unrelated: {unrelated}\r\n", response, StringComparison.Ordinal); // no false positive
    }
}
