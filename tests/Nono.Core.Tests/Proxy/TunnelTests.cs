using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Nono.Core.Proxy;

namespace Nono.Core.Tests.Proxy;

public sealed class TunnelTests
{
    [Fact]
    public async Task SpliceAvailable_SourceStaysReadable_StopsAfterBurstAndLosesNothing()
    {
        // A bulk sender keeps the source readable; without a burst limit one call would keep splicing on the thread
        // that resumed it until the sender paused (Drained). With a small burst it returns once the burst is spent,
        // and the calls that follow deliver every byte in order.
        CancellationToken ct = TestContext.Current.CancellationToken;
        byte[] payload = RandomNumberGenerator.GetBytes(2 * 1024 * 1024);
        (Socket sender, Socket source) = await ConnectedPairAsync(ct);
        (Socket destination, Socket receiver) = await ConnectedPairAsync(ct);
        using (sender)
        using (source)
        using (destination)
        using (receiver)
        using (IdleTimeout idle = new(TimeSpan.FromMinutes(5), TimeProvider.System, ct))
        {
            Task send = Task.Run(async () =>
            {
                await sender.SendAsync(payload, SocketFlags.None, ct);
                sender.Shutdown(SocketShutdown.Send);
            }, ct);
            Task<byte[]> receive = ReceiveAllAsync(receiver, ct);
            (SafeFdHandle Read, SafeFdHandle Write) pipe = SpliceInterop.CreatePipe() ?? throw new InvalidOperationException("pipe2 failed");
            using SafeFdHandle pipeRead = pipe.Read;
            using SafeFdHandle pipeWrite = pipe.Write;
            StrongBox<long> total = new();
            const long burst = 16 * 1024;

            // Wait (without a deadline: the sender is writing) until more than one burst is queued.
            while (source.Available < 3 * burst)
            {
                await Task.Delay(1, ct);
            }

            Tunnel.SpliceResult first = await Tunnel.SpliceAvailableAsync(source, destination, pipe, idle, total, burst, ct);
            Assert.Equal(Tunnel.SpliceResult.BurstSpent, first);
            Assert.InRange(total.Value, burst, payload.Length - 1);

            Tunnel.SpliceResult result = first;
            while (result != Tunnel.SpliceResult.EndOfStream)
            {
                await source.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, ct);
                result = await Tunnel.SpliceAvailableAsync(source, destination, pipe, idle, total, burst, ct);
            }

            destination.Shutdown(SocketShutdown.Send);
            await send;
            byte[] received = await receive;
            Assert.Equal(payload.Length, total.Value);
            Assert.Equal(SHA256.HashData(payload), SHA256.HashData(received));
        }
    }

    private static async Task<(Socket Client, Socket Server)> ConnectedPairAsync(CancellationToken ct)
    {
        using Socket listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        Socket client = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(listener.LocalEndPoint!, ct);
        Socket server = await listener.AcceptAsync(ct);
        return (client, server);
    }

    private static async Task<byte[]> ReceiveAllAsync(Socket socket, CancellationToken ct)
    {
        using MemoryStream received = new();
        byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, ct)) > 0)
        {
            received.Write(buffer, 0, n);
        }

        return received.ToArray();
    }
}
