using System.Buffers;
using System.Net.Sockets;

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
        Task<long> up = PumpAsync(client, upstream, idle);
        Task<long> down = PumpAsync(upstream, client, idle);
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

        return (Bytes(up), Bytes(down));
    }

    private static long Bytes(Task<long> t) => t.IsCompletedSuccessfully ? t.Result : 0;

    private static async Task<long> PumpAsync(Socket from, Socket to, IdleTimeout idle)
    {
        long total = 0;
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
                    return total;
                }

                await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, ct);
                total += n;
                idle.Touch();
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
