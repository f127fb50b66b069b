using System.Net;
using Nono.Core.Proxy;

namespace Nono.Core.Tests.Proxy;

public sealed partial class EgressProxyTests
{
    [Fact]
    public async Task RecordingMode_UnlistedHostPasses_MetadataAndLinkLocalStayDenied_EveryRequestRecorded()
    {
        await using LoopbackServer origin = new();
        CapturingSink sink = new();
        await using RunningProxy proxy = await ProxyHarness.StartAsync(
            new ProxyOptions
            {
                AllowAllHosts = true,
                ResolverOverrides = [ProxyHarness.Loopback("never.listed.test"), new("ll.test.example", IPAddress.Parse("169.254.169.254"))],
            },
            sink);
        string Get(string authority) => $"GET http://{authority}/x HTTP/1.1\r\nHost: x\r\n{ProxyHarness.BasicProxyAuth(proxy.SessionToken)}\r\n";

        string unlisted = await ProxyHarness.RawAsync(proxy, Get($"never.listed.test:{origin.Port}"));
        string metadata = await ProxyHarness.RawAsync(proxy, Get("metadata.google.internal"));
        string linkLocal = await ProxyHarness.RawAsync(proxy, Get("ll.test.example"));
        string loopbackLiteral = await ProxyHarness.RawAsync(proxy, Get($"127.0.0.1:{origin.Port}"));

        Assert.StartsWith("HTTP/1.1 200 ", unlisted, StringComparison.Ordinal);
        Assert.Contains("X-Nono-Reason: metadata-host", metadata, StringComparison.Ordinal);
        Assert.Contains("X-Nono-Reason: address-denied", linkLocal, StringComparison.Ordinal);
        Assert.Contains("X-Nono-Reason: address-denied", loopbackLiteral, StringComparison.Ordinal); // unmapped loopback: as in enforce mode
        Assert.Single(origin.Requests);
        Assert.Equal(
            [("never.listed.test", ProxyDecision.Allowed), ("metadata.google.internal", ProxyDecision.Denied), ("ll.test.example", ProxyDecision.Denied), ("127.0.0.1", ProxyDecision.Denied)],
            sink.Events.Select(e => (e.Host!, e.Decision)));
    }
}
