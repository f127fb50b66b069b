using System.Net;
using System.Net.Sockets;
using System.Text;
using Nono.Core.Proxy;

namespace Nono.Core.Tests.Proxy;

/// <summary>The port allow-list: an entry without a port opens CONNECT to 443 and plain HTTP to 80; HOST:PORT opens that port.</summary>
public sealed partial class EgressProxyTests
{
    [Fact]
    public async Task Connect_EntryWithPort_OpensThatPortOnly()
    {
        using TestCertificates certs = new(ProxyHarness.TestHost);
        await using LoopbackServer origin = new(certificate: certs.Server);
        await using LoopbackServer otherPort = new(certificate: certs.Server);
        CapturingSink sink = new();
        RunningProxy proxy = await ProxyHarness.StartAsync(
            new ProxyOptions { AllowedHosts = [ProxyHarness.At(ProxyHarness.TestHost, origin.Port)], ResolverOverrides = [ProxyHarness.Loopback(ProxyHarness.TestHost)] }, sink);
        string body;
        using (HttpClient client = ProxyHarness.ProxiedClient(proxy, trust: certs.CaCollection))
        {
            body = await client.GetStringAsync($"https://{ProxyHarness.TestHost}:{origin.Port}/open", TestContext.Current.CancellationToken);
        }

        string refused = await ProxyHarness.RawAsync(proxy, $"CONNECT {ProxyHarness.TestHost}:{otherPort.Port} HTTP/1.1\r\n{ProxyHarness.BasicProxyAuth(proxy.SessionToken)}\r\n");
        await proxy.DisposeAsync();

        Assert.Equal("hello from upstream /open", body);
        Assert.StartsWith("HTTP/1.1 403 ", refused, StringComparison.Ordinal);
        Assert.Contains($"X-Nono-Reason: port-not-allowed:{otherPort.Port}\r\n", refused, StringComparison.Ordinal);
        Assert.Contains($"HOST:{otherPort.Port}", refused, StringComparison.Ordinal); // the message says how to open it
        Assert.Equal(0, otherPort.Accepts); // refused before any connect
        ProxyEvent denied = Assert.Single(sink.Events, e => e.Reason.StartsWith("port-not-allowed:", StringComparison.Ordinal)); // HttpClient's 407 challenge aside
        Assert.Equal((ProxyMode.Connect, ProxyHarness.TestHost, otherPort.Port, $"port-not-allowed:{otherPort.Port}"), (denied.Mode, denied.Host, denied.Port, denied.Reason));
    }

    [Fact]
    public async Task Forward_SuffixEntryWithPort_OpensThatPortOnly_PortlessEntryOpensPort80Only()
    {
        await using LoopbackServer origin = new();
        CapturingSink sink = new();
        await using RunningProxy proxy = await ProxyHarness.StartAsync(
            new ProxyOptions
            {
                AllowedHosts = [ProxyHarness.At("*.sub.test.example", origin.Port), ProxyHarness.TestHost],
                ResolverOverrides = [ProxyHarness.Loopback("a.sub.test.example"), ProxyHarness.Loopback(ProxyHarness.TestHost)],
            },
            sink);
        string auth = ProxyHarness.BasicProxyAuth(proxy.SessionToken);

        string allowed = await ProxyHarness.RawAsync(proxy, $"GET http://a.sub.test.example:{origin.Port}/suffix HTTP/1.1\r\n{auth}\r\n");
        string suffixOtherPort = await ProxyHarness.RawAsync(proxy, $"GET http://a.sub.test.example/ HTTP/1.1\r\n{auth}\r\n");
        string portlessOtherPort = await ProxyHarness.RawAsync(proxy, $"GET http://{ProxyHarness.TestHost}:{origin.Port}/ HTTP/1.1\r\n{auth}\r\n");

        Assert.EndsWith("hello from upstream /suffix", allowed, StringComparison.Ordinal);
        Assert.Contains("X-Nono-Reason: port-not-allowed:80\r\n", suffixOtherPort, StringComparison.Ordinal);
        Assert.Contains($"X-Nono-Reason: port-not-allowed:{origin.Port}\r\n", portlessOtherPort, StringComparison.Ordinal);
        Assert.Equal(["/suffix"], origin.Requests.Select(r => r.Target));
        Assert.Equal(
            ["port-not-allowed:80", $"port-not-allowed:{origin.Port}"],
            sink.Events.Where(e => e.Decision == ProxyDecision.Denied).Select(e => e.Reason));
    }

    [Fact]
    public async Task Connect_Ipv6EntryWithPort_OpensThatPortOnly()
    {
        Assert.SkipUnless(Socket.OSSupportsIPv6, "no IPv6");
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TcpListener v6 = new(IPAddress.IPv6Loopback, 0);
        v6.Start();
        int port = ((IPEndPoint)v6.LocalEndpoint).Port;
        Task echo = EchoOnceAsync(v6, ct);
        CapturingSink sink = new();
        await using RunningProxy proxy = await ProxyHarness.StartAsync(
            new ProxyOptions { AllowedHosts = [$"[::1]:{port}"], PermittedAddresses = PermittedAddresses.Loopback }, sink);

        string refused = await ProxyHarness.RawAsync(proxy, $"CONNECT [::1]:{(port == 65535 ? port - 1 : port + 1)} HTTP/1.1\r\n{ProxyHarness.BasicProxyAuth(proxy.SessionToken)}\r\n");
        using Socket tunnel = await SendConnectAsync(proxy, $"[::1]:{port}", ct, early: "plain-over-v6");
        tunnel.Shutdown(SocketShutdown.Send);
        string relayed = await ProxyHarness.ReadToEndAsync(tunnel, ct);
        await echo;

        Assert.Contains("X-Nono-Reason: port-not-allowed:", refused, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 200 ", relayed, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\nplain-over-v6", relayed, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("api.test.example:0", "allowed host: 'api.test.example:0': port '0' is not a number from 1 to 65535")]
    [InlineData("api.test.example:65536", "'api.test.example:65536': port '65536'")]
    [InlineData("*.test.example:https", "'*.test.example:https': port 'https'")]
    [InlineData("[::1]:99999", "'[::1]:99999': port '99999'")]
    [InlineData("api.test.example:", "'api.test.example:': port ''")]
    [InlineData("api.test.example:-1", "port '-1'")]
    public void Validate_BadPort_IsOneLineNamingTheEntry(string entry, string expected)
    {
        string problem = Assert.Single(ProxyOptionsValidator.Validate(new ProxyOptions { AllowedHosts = [entry] }));

        Assert.Contains(expected, problem, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', problem);
    }

    [Theory]
    [InlineData("api.test.example:8443")]
    [InlineData("*.test.example:1")]
    [InlineData("[::1]:65535")]
    [InlineData("[2001:db8::1]")]
    [InlineData("127.0.0.1:22")]
    public void Validate_EntriesWithAndWithoutPorts_AreValid(string entry) =>
        Assert.Empty(ProxyOptionsValidator.Validate(new ProxyOptions { AllowedHosts = [entry] }));

    [Theory]
    [InlineData("api.test", 443, true, "api.test")]
    [InlineData("api.test", 80, false, "api.test")]
    [InlineData("api.test", 80, true, "api.test:80")]
    [InlineData("api.test", 443, false, "api.test:443")]
    [InlineData("2001:db8::1", 8443, true, "[2001:db8::1]:8443")]
    public void Format_PortAPortlessEntryOpens_IsLeftOut(string host, int port, bool tunnel, string expected) =>
        Assert.Equal(expected, AllowEntries.Format(host, port, tunnel));
}
