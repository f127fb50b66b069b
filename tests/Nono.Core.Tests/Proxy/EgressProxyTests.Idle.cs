using System.Net;
using System.Net.Sockets;
using System.Text;
using Nono.Core.Proxy;

namespace Nono.Core.Tests.Proxy;

public sealed partial class EgressProxyTests
{
    [Fact]
    public async Task Tunnel_IdleLongerThanIdleTimeout_IsClosed_ActiveOneIsNot()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TcpListener echo = new(IPAddress.Loopback, 0);
        echo.Start();
        Task echoLoop = EchoOnceAsync(echo, ct);
        ManualTimeProvider clock = new();
        CapturingSink sink = new();
        await using RunningProxy proxy = await ProxyHarness.StartAsync(
            new ProxyOptions
            {
                AllowedHosts = [ProxyHarness.At(ProxyHarness.TestHost, ((IPEndPoint)echo.LocalEndpoint).Port)],
                ResolverOverrides = [ProxyHarness.Loopback(ProxyHarness.TestHost)],
                IdleTimeout = TimeSpan.FromMinutes(1),
                TimeProvider = clock,
            },
            sink);
        using Socket tunnel = await OpenTunnelAsync(proxy, ((IPEndPoint)echo.LocalEndpoint).Port, ct);
        // The first bytes come at once: a tunnel that stays silent past the ClientHello bound is refused (tls-hello-timeout).
        string opening = await RoundTripAsync(tunnel, "ping0", ct);

        clock.Advance(TimeSpan.FromSeconds(40));
        string first = await RoundTripAsync(tunnel, "ping1", ct);
        clock.Advance(TimeSpan.FromSeconds(40)); // 80 s since the tunnel opened, 40 s since the last byte
        string second = await RoundTripAsync(tunnel, "ping2", ct);
        clock.Advance(TimeSpan.FromSeconds(61));
        string afterIdle = await ProxyHarness.ReadToEndAsync(tunnel, ct);

        Assert.Equal("ping0", opening);
        Assert.Equal("ping1", first);
        Assert.Equal("ping2", second);
        Assert.Equal(string.Empty, afterIdle);
        await proxy.DisposeAsync();
        await echoLoop;
        ProxyEvent e = Assert.Single(sink.Events);
        Assert.Equal((ProxyMode.Connect, 15L, 15L), (e.Mode, e.BytesUp, e.BytesDown));
        Assert.Equal(TimeSpan.FromSeconds(141), e.Duration);
    }

    private static async Task<string> RoundTripAsync(Socket socket, string text, CancellationToken ct)
    {
        await socket.SendAsync(Encoding.ASCII.GetBytes(text), SocketFlags.None, ct);
        byte[] buffer = new byte[text.Length];
        int read = 0;
        while (read < buffer.Length)
        {
            int n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, ct);
            Assert.NotEqual(0, n);
            read += n;
        }

        return Encoding.ASCII.GetString(buffer);
    }

    private static async Task EchoOnceAsync(TcpListener listener, CancellationToken ct)
    {
        using TcpClient client = await listener.AcceptTcpClientAsync(ct);
        NetworkStream stream = client.GetStream();
        byte[] buffer = new byte[1024];
        try
        {
            int n;
            while ((n = await stream.ReadAsync(buffer, ct)) > 0)
            {
                await stream.WriteAsync(buffer.AsMemory(0, n), ct);
            }
        }
        catch (IOException)
        {
            // The proxy closed the tunnel.
        }
    }
}
