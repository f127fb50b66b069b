using Nono.Core.Proxy;

namespace Nono.Core.Tests.Proxy;

public sealed partial class EgressProxyTests
{
    [Fact]
    public async Task Connect_NameResolvedBySystemToLoopback_DeniedUnlessLoopbackIsPermitted()
    {
        // "localhost" goes through the real resolver (/etc/hosts); only loopback addresses are involved.
        await using LoopbackServer origin = new();
        CapturingSink sink = new();
        await using RunningProxy strict = await ProxyHarness.StartAsync(new ProxyOptions { AllowedHosts = [ProxyHarness.At("localhost", origin.Port)] }, sink);
        await using RunningProxy permissive = await ProxyHarness.StartAsync(
            new ProxyOptions { AllowedHosts = [ProxyHarness.At("localhost", origin.Port)], PermittedAddresses = PermittedAddresses.Loopback }, new CapturingSink());

        string denied = await ProxyHarness.RawAsync(strict, $"GET http://localhost:{origin.Port}/ HTTP/1.1\r\n{ProxyHarness.BasicProxyAuth(strict.SessionToken)}\r\n");
        string allowed = await ProxyHarness.RawAsync(permissive, $"GET http://localhost:{origin.Port}/ok HTTP/1.1\r\n{ProxyHarness.BasicProxyAuth(permissive.SessionToken)}\r\n");

        Assert.StartsWith("HTTP/1.1 403", denied, StringComparison.Ordinal);
        Assert.Contains("X-Nono-Reason: address-denied:loopback", denied, StringComparison.Ordinal);
        Assert.Equal("address-denied:loopback", Assert.Single(sink.Events).Reason);
        Assert.EndsWith("hello from upstream /ok", allowed, StringComparison.Ordinal);
    }
}
