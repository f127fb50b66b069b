using System.Buffers;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Nono.Core.Proxy;

/// <summary>
/// Copies bytes both ways between two connected sockets until both sides finish, half-closing as each side ends.
/// Idle tunnels hold no buffer: each direction waits with a zero-byte receive and rents a buffer only while data flows.
/// </summary>
internal static class Tunnel
{
    private const int BufferSize = 64 * 1024;

    public static async Task<(long Up, long Down)> RunAsync(Socket client, Socket upstream, IdleTimeout idle)
    {
        StrongBox<long> upBytes = new();
        StrongBox<long> downBytes = new();
        Task up = PumpAsync(client, upstream, idle, upBytes);
        Task down = PumpAsync(upstream, client, idle, downBytes);
        Task first = await Task.WhenAny(up, down);
        if (!first.IsCompletedSuccessfully)
        {
            // Idle timeout, shutdown or a reset: close both sides so the other pump ends too.
            client.Dispose();
            upstream.Dispose();
        }

        try
        {
            await Task.WhenAll(up, down);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException or IOException)
        {
            client.Dispose();
            upstream.Dispose();
        }

        // Counted as bytes are relayed, so a reset at the end still reports what went through.
        return (Volatile.Read(ref upBytes.Value), Volatile.Read(ref downBytes.Value));
    }

    private static async Task PumpAsync(Socket from, Socket to, IdleTimeout idle, StrongBox<long> total)
    {
        byte[]? buffer = null;
        CancellationToken ct = idle.Token;
        try
        {
            while (true)
            {
                if (buffer is null)
                {
                    await from.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, ct);
                    buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
                }

                int n = await from.ReceiveAsync(buffer, SocketFlags.None, ct);
                if (n == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                idle.Touch(); // before forwarding, so any reply this data causes is seen after the idle period restarted
                await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, ct);
                Volatile.Write(ref total.Value, total.Value + n);
                if (from.Available == 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = null;
                }
            }
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
