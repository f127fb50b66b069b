using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Nono.Core.Proxy;

namespace Nono.Core.Tests.Proxy;

public sealed partial class EgressProxyTests
{
    [Fact]
    public async Task Connect_BulkTransferBothWays_RelaysEveryByteInOrder()
    {
        // 24 MiB each way forces the splice path and, with a slow reader, the destination-full fallback.
        CancellationToken ct = TestContext.Current.CancellationToken;
        byte[] payload = RandomNumberGenerator.GetBytes(24 * 1024 * 1024);
        payload[0] = (byte)'x'; // not a TLS record: on a port other than 443 the tunnel relays it unchecked
        using TcpListener echo = new(IPAddress.Loopback, 0);
        echo.Start();
        Task echoLoop = EchoOnceAsync(echo, ct);
        CapturingSink sink = new();
        await using RunningProxy proxy = await ProxyHarness.StartAsync(
            new ProxyOptions { AllowedHosts = [ProxyHarness.At(ProxyHarness.TestHost, ((IPEndPoint)echo.LocalEndpoint).Port)], ResolverOverrides = [ProxyHarness.Loopback(ProxyHarness.TestHost)] }, sink);
        using Socket tunnel = await OpenTunnelAsync(proxy, ((IPEndPoint)echo.LocalEndpoint).Port, ct);

        Task send = Task.Run(async () =>
        {
            await tunnel.SendAsync(payload, SocketFlags.None, ct);
            tunnel.Shutdown(SocketShutdown.Send);
        }, ct);
        using MemoryStream received = new();
        byte[] buffer = new byte[7777];
        int n;
        while ((n = await tunnel.ReceiveAsync(buffer, SocketFlags.None, ct)) > 0)
        {
            received.Write(buffer, 0, n);
        }

        await send;
        await echoLoop;
        Assert.Equal(payload.Length, received.Length);
        Assert.Equal(SHA256.HashData(payload), SHA256.HashData(received.ToArray()));
        await proxy.DisposeAsync();
        ProxyEvent e = Assert.Single(sink.Events);
        Assert.Equal((payload.LongLength, payload.LongLength), (e.BytesUp, e.BytesDown));
    }
}
