using System.Net;
using System.Net.Sockets;
using System.Text;
using Nono.Core.Diagnostics;
using Nono.Core.Proxy;

namespace Nono.Core.Tests.Proxy;

public sealed partial class EgressProxyTests
{
    [Fact]
    public async Task Request_HeadOverLimit_Gets431()
    {
        CapturingSink sink = new();
        await using RunningProxy proxy = await ProxyHarness.StartAsync(new ProxyOptions { AllowedHosts = [ProxyHarness.TestHost], MaxHeaderBytes = 4096 }, sink);
        string big = "GET http://api.test.example/ HTTP/1.1\r\n" + ProxyHarness.BasicProxyAuth(proxy.SessionToken) + "X-Big: " + new string('a', 5000) + "\r\n\r\n";
        string small = "GET http://other.test.example/ HTTP/1.1\r\n" + ProxyHarness.BasicProxyAuth(proxy.SessionToken) + "X-Big: " + new string('a', 3000) + "\r\n\r\n";

        string refused = await ProxyHarness.RawAsync(proxy, big);
        string underLimit = await ProxyHarness.RawAsync(proxy, small);

        Assert.StartsWith("HTTP/1.1 431", refused, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 403", underLimit, StringComparison.Ordinal);
        Assert.Contains(sink.Events, e => e is { Status: 431, Reason: "header-too-large" });
    }

    [Fact]
    public async Task Forward_DeniedRequestWithLargeBody_ClientStillReadsThe403()
    {
        await using RunningProxy proxy = await ProxyHarness.StartAsync(new ProxyOptions { AllowedHosts = [ProxyHarness.TestHost] }, new CapturingSink());
        using HttpClient client = ProxyHarness.ProxiedClient(proxy);
        using ByteArrayContent body = new(new byte[512 * 1024]);

        using HttpResponseMessage response = await client.PostAsync("http://denied.test.example/upload", body, TestContext.Current.CancellationToken);

        Assert.Equal(System.Net.HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("host-not-allowed", response.Headers.GetValues("X-Nono-Reason").Single());
    }

    [Theory]
    [InlineData("GET http://api.test.example/ HTTP/1.1\r\nX-A: 1\r\n folded\r\n")]
    [InlineData("GET http://api.test.example/ HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n")]
    [InlineData("GET http://api.test.example/ HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n")]
    [InlineData("GET http://api.test.example/ HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n")]
    [InlineData("GET http://api.test.example/ HTTP/1.1\r\nBad Header: x\r\n")]
    [InlineData("GET  http://api.test.example/ HTTP/1.1\r\n")]
    public async Task Request_AmbiguousOrMalformed_Gets400AndNoUpstreamContact(string head)
    {
        await using RunningProxy proxy = await ProxyHarness.StartAsync(
            new ProxyOptions { AllowedHosts = [ProxyHarness.TestHost], ResolverOverrides = [ProxyHarness.Loopback(ProxyHarness.TestHost)] }, new CapturingSink());
        int firstLineEnd = head.IndexOf("\r\n", StringComparison.Ordinal) + 2;

        string response = await ProxyHarness.RawAsync(proxy, head.Insert(firstLineEnd, ProxyHarness.BasicProxyAuth(proxy.SessionToken)) + "\r\n");

        Assert.StartsWith("HTTP/1.1 400", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectionLimit_ExtraConnection_Gets503WhileTunnelsStayUp()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using LoopbackServer origin = new();
        CapturingSink sink = new();
        await using RunningProxy proxy = await ProxyHarness.StartAsync(
            new ProxyOptions { AllowedHosts = [ProxyHarness.At(ProxyHarness.TestHost, origin.Port)], ResolverOverrides = [ProxyHarness.Loopback(ProxyHarness.TestHost)], MaxConnections = 2 }, sink);
        List<Socket> tunnels = [];
        for (int i = 0; i < 2; i++)
        {
            tunnels.Add(await OpenTunnelAsync(proxy, origin.Port, ct));
        }

        string refused = await ProxyHarness.RawAsync(proxy, $"CONNECT {ProxyHarness.TestHost}:{origin.Port} HTTP/1.1\r\n{ProxyHarness.BasicProxyAuth(proxy.SessionToken)}\r\n");
        await tunnels[0].SendAsync(Encoding.ASCII.GetBytes($"GET /still-up HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), SocketFlags.None, ct);
        string stillUp = await ProxyHarness.ReadToEndAsync(tunnels[0], ct);

        Assert.StartsWith("HTTP/1.1 503", refused, StringComparison.Ordinal);
        Assert.Contains("connection-limit", refused, StringComparison.Ordinal);
        Assert.EndsWith("hello from upstream /still-up", stillUp, StringComparison.Ordinal);
        Assert.Contains(sink.Events, e => e.Reason == "connection-limit");
        tunnels.ForEach(t => t.Dispose());
    }

    [Fact]
    public async Task Dispose_ClosesOpenTunnelsAndListener()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using LoopbackServer origin = new();
        RunningProxy proxy = await ProxyHarness.StartAsync(
            new ProxyOptions { AllowedHosts = [ProxyHarness.At(ProxyHarness.TestHost, origin.Port)], ResolverOverrides = [ProxyHarness.Loopback(ProxyHarness.TestHost)] }, new CapturingSink());
        using Socket tunnel = await OpenTunnelAsync(proxy, origin.Port, ct);
        int port = proxy.Port;

        await proxy.DisposeAsync();

        string afterShutdown = await ProxyHarness.ReadToEndAsync(tunnel, ct);
        Assert.Equal(string.Empty, afterShutdown);
        using Socket late = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        SocketException refused = await Assert.ThrowsAsync<SocketException>(async () => await late.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), ct));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    [Fact]
    public async Task StartAsync_HandedInListener_ServesOnIt()
    {
        using Socket listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(16);
        int port = ((IPEndPoint)listener.LocalEndPoint!).Port;

        await using RunningProxy proxy = await EgressProxy.StartAsync(new ProxyOptions(), listener, new CapturingSink(), TestContext.Current.CancellationToken);
        string response = await ProxyHarness.RawAsync(proxy, "CONNECT x.example:443 HTTP/1.1\r\n\r\n");

        Assert.Equal(port, proxy.Port);
        Assert.StartsWith("HTTP/1.1 407", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_InvalidOptions_ReportsEveryProblemAtOnce()
    {
        ProxyOptions options = new()
        {
            AllowedHosts = ["*.com", "0x7f.1"],
            BindAddress = IPAddress.Parse("192.0.2.1"),
            MaxConnections = 0,
            Services =
            [
                new() { Name = "Bad Name", Upstream = new Uri("http://api.example.com"), CredentialKey = "keyring://x", EnvVar = "1X" },
                new() { Name = "ok", Upstream = new Uri("https://api.example.com"), CredentialKey = "env://MISSING", EnvVar = "OK_KEY" },
            ],
        };

        NonoException ex = await Assert.ThrowsAsync<NonoException>(() => EgressProxy.StartAsync(options, null, new CapturingSink(), TestContext.Current.CancellationToken));
        IReadOnlyList<string> problems = ProxyOptionsValidator.Validate(options);

        Assert.Equal(NonoErrorCode.InvalidPolicy, ex.Code);
        Assert.True(problems.Count >= 7, string.Join("\n", problems));
        Assert.Contains("*.com", ex.Message, StringComparison.Ordinal);
        Assert.Contains("only allowed on loopback", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public async Task StartAsync_CredentialMissingFromSupervisorEnvironment_Fails()
    {
        ProxyOptions options = new() { Services = [BuiltinServices.Find("openai")!] };

        NonoException ex = await Assert.ThrowsAsync<NonoException>(() => EgressProxy.StartAsync(options, null, new CapturingSink(), TestContext.Current.CancellationToken));

        Assert.Contains("OPENAI_API_KEY", ex.Message, StringComparison.Ordinal);
    }

    private static async Task<Socket> OpenTunnelAsync(RunningProxy proxy, int originPort, CancellationToken ct)
    {
        Socket socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, proxy.Port), ct);
        await socket.SendAsync(Encoding.ASCII.GetBytes($"CONNECT {ProxyHarness.TestHost}:{originPort} HTTP/1.1\r\n{ProxyHarness.BasicProxyAuth(proxy.SessionToken)}\r\n"), SocketFlags.None, ct);
        string established = await ProxyHarness.ReadUntilAsync(socket, "\r\n\r\n", ct);
        Assert.StartsWith("HTTP/1.1 200", established, StringComparison.Ordinal);
        return socket;
    }
}
