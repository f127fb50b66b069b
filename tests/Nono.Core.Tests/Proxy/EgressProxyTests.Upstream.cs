using Nono.Core.Proxy;

namespace Nono.Core.Tests.Proxy;

public sealed partial class EgressProxyTests
{
    [Fact]
    public async Task UpstreamProxy_TunnelsThroughEnterpriseProxyUnlessBypassed()
    {
        // The "enterprise" proxy is a second Nono proxy on loopback, which records where traffic went.
        await using LoopbackServer origin = new();
        CapturingSink enterpriseSink = new();
        await using RunningProxy enterprise = await ProxyHarness.StartAsync(
            new ProxyOptions { AllowedHosts = [ProxyHarness.At(ProxyHarness.TestHost, origin.Port)], ResolverOverrides = [ProxyHarness.Loopback(ProxyHarness.TestHost)] }, enterpriseSink);
        CapturingSink sink = new();
        await using RunningProxy proxy = await ProxyHarness.StartAsync(
            new ProxyOptions
            {
                // No override for TestHost here: a name with a resolver override is connected directly (the
                // override says where it is); the enterprise proxy resolves TestHost with its own override.
                AllowedHosts = [ProxyHarness.At(ProxyHarness.TestHost, origin.Port), ProxyHarness.At("direct.test.example", origin.Port)],
                ResolverOverrides = [ProxyHarness.Loopback("direct.test.example")],
                UpstreamProxy = new Uri(enterprise.ProxyUrl),
                UpstreamProxyBypass = ["direct.test.example"],
            },
            sink);
        string auth = ProxyHarness.BasicProxyAuth(proxy.SessionToken);

        string viaEnterprise = await ProxyHarness.RawAsync(proxy, $"GET http://{ProxyHarness.TestHost}:{origin.Port}/via HTTP/1.1\r\n{auth}\r\n");
        string direct = await ProxyHarness.RawAsync(proxy, $"GET http://direct.test.example:{origin.Port}/direct HTTP/1.1\r\n{auth}\r\n");
        await enterprise.DisposeAsync();

        Assert.EndsWith("hello from upstream /via", viaEnterprise, StringComparison.Ordinal);
        Assert.EndsWith("hello from upstream /direct", direct, StringComparison.Ordinal);
        ProxyEvent tunnelled = Assert.Single(enterpriseSink.Events);
        Assert.Equal((ProxyMode.Connect, ProxyHarness.TestHost, origin.Port), (tunnelled.Mode, tunnelled.Host, tunnelled.Port));
    }

    [Fact]
    public async Task UpstreamProxy_RefusingEnterpriseProxy_Gives502()
    {
        await using RunningProxy enterprise = await ProxyHarness.StartAsync(new ProxyOptions(), new CapturingSink());
        CapturingSink sink = new();
        await using RunningProxy proxy = await ProxyHarness.StartAsync(
            new ProxyOptions { AllowedHosts = [ProxyHarness.TestHost], UpstreamProxy = new Uri(enterprise.ProxyUrl) }, sink);

        string response = await ProxyHarness.RawAsync(proxy, $"CONNECT {ProxyHarness.TestHost}:443 HTTP/1.1\r\n{ProxyHarness.BasicProxyAuth(proxy.SessionToken)}\r\n");

        Assert.StartsWith("HTTP/1.1 502", response, StringComparison.Ordinal);
        Assert.Contains("upstream-proxy-refused:403", response, StringComparison.Ordinal);
        Assert.Equal(ProxyDecision.UpstreamFailed, Assert.Single(sink.Events).Decision);
    }

    [Theory]
    [InlineData("169.254.169.254", "address-denied:")]
    [InlineData("[fe80::1]", "address-denied:")]
    [InlineData("127.0.0.1", "address-denied:loopback")]
    [InlineData("10.0.0.1", "address-denied:private")]
    public async Task UpstreamProxy_LiteralTargets_GetTheAddressPolicyBeforeTheEnterpriseProxy(string target, string reason)
    {
        // Recording mode lets every name pass; before, a literal went to the enterprise proxy unchecked (SSRF
        // against its metadata service and its own loopback: review of session 10).
        CapturingSink enterpriseSink = new();
        await using RunningProxy enterprise = await ProxyHarness.StartAsync(new ProxyOptions { AllowAllHosts = true }, enterpriseSink);
        await using RunningProxy proxy = await ProxyHarness.StartAsync(
            new ProxyOptions { AllowAllHosts = true, UpstreamProxy = new Uri(enterprise.ProxyUrl) }, new CapturingSink());

        string response = await ProxyHarness.RawAsync(proxy, $"CONNECT {target}:80 HTTP/1.1\r\n{ProxyHarness.BasicProxyAuth(proxy.SessionToken)}\r\n");
        await enterprise.DisposeAsync();

        Assert.StartsWith("HTTP/1.1 403", response, StringComparison.Ordinal);
        Assert.Contains(reason, response, StringComparison.Ordinal);
        Assert.Empty(enterpriseSink.Events);
    }

    [Fact]
    public async Task UpstreamProxy_PermittedLoopbackLiteral_IsConnectedDirectlyNeverThroughTheEnterpriseProxy()
    {
        await using LoopbackServer origin = new();
        CapturingSink enterpriseSink = new();
        await using RunningProxy enterprise = await ProxyHarness.StartAsync(
            new ProxyOptions { AllowAllHosts = true, PermittedAddresses = PermittedAddresses.Loopback }, enterpriseSink);
        await using RunningProxy proxy = await ProxyHarness.StartAsync(
            new ProxyOptions { AllowedHosts = [ProxyHarness.At("127.0.0.1", origin.Port)], PermittedAddresses = PermittedAddresses.Loopback, UpstreamProxy = new Uri(enterprise.ProxyUrl) },
            new CapturingSink());

        string response = await ProxyHarness.RawAsync(proxy, $"GET http://127.0.0.1:{origin.Port}/local HTTP/1.1\r\n{ProxyHarness.BasicProxyAuth(proxy.SessionToken)}\r\n");
        await enterprise.DisposeAsync();

        Assert.EndsWith("hello from upstream /local", response, StringComparison.Ordinal);
        Assert.Empty(enterpriseSink.Events);
    }
}
