using System.Net;
using System.Net.Sockets;
using System.Text;
using Nono.Core.Proxy;

namespace Nono.Core.Tests.Proxy;

public sealed partial class EgressProxyTests
{
    [Fact]
    public async Task Connect_UpstreamNeverCompletesHandshake_Gets504AfterConnectTimeout_ThenWorksWhenItDoes()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using BlackholeListener hole = await BlackholeListener.CreateAsync(ct);
        ManualTimeProvider clock = new();
        CapturingSink sink = new();
        await using RunningProxy proxy = await ProxyHarness.StartAsync(
            new ProxyOptions
            {
                AllowedHosts = [ProxyHarness.At(ProxyHarness.TestHost, hole.Port)],
                ResolverOverrides = [ProxyHarness.Loopback(ProxyHarness.TestHost)],
                ConnectTimeout = TimeSpan.FromSeconds(10),
                IdleTimeout = TimeSpan.FromDays(1),
                TimeProvider = clock,
            },
            sink);
        string connect = $"CONNECT {ProxyHarness.TestHost}:{hole.Port} HTTP/1.1\r\n{ProxyHarness.BasicProxyAuth(proxy.SessionToken)}\r\n";
        using Socket client = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(new IPEndPoint(IPAddress.Loopback, proxy.Port), ct);
        await client.SendAsync(Encoding.ASCII.GetBytes(connect), SocketFlags.None, ct);

        // Nothing answers while the clock stands still; each step moves it by one connect timeout. The proxy may not
        // have started its connect at the first step, so step until the answer comes (bounded: a hang fails the test).
        string response = string.Empty;
        int steps = 0;
        while (response.Length == 0 && steps++ < 60)
        {
            clock.Advance(TimeSpan.FromSeconds(10));
            response = await ReceiveWithinAsync(client, TimeSpan.FromMilliseconds(500), ct);
        }

        Assert.StartsWith("HTTP/1.1 504 ", response, StringComparison.Ordinal);
        Assert.Contains("X-Nono-Reason: connect-timeout", response, StringComparison.Ordinal);
        Assert.Contains(sink.Events, e => e is { Mode: ProxyMode.Connect, Decision: ProxyDecision.UpstreamFailed, Reason: "connect-timeout", Status: 504 });

        // The same target once its handshake can complete: the tunnel is established.
        await hole.AcceptAllAsync(ct);
        Task<Socket> accepted = hole.AcceptAsync(ct);
        using Socket second = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await second.ConnectAsync(new IPEndPoint(IPAddress.Loopback, proxy.Port), ct);
        await second.SendAsync(Encoding.ASCII.GetBytes(connect), SocketFlags.None, ct);
        string established = await ProxyHarness.ReadUntilAsync(second, "\r\n\r\n", ct);
        using Socket upstreamSide = await accepted;

        Assert.StartsWith("HTTP/1.1 200 ", established, StringComparison.Ordinal);
    }

    private static async Task<string> ReceiveWithinAsync(Socket socket, TimeSpan wait, CancellationToken ct)
    {
        using CancellationTokenSource window = CancellationTokenSource.CreateLinkedTokenSource(ct);
        window.CancelAfter(wait);
        byte[] buffer = new byte[4096];
        try
        {
            int n = await socket.ReceiveAsync(buffer, SocketFlags.None, window.Token);
            return Encoding.Latin1.GetString(buffer, 0, n);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return string.Empty;
        }
    }
}
