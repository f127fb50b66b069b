using System.Buffers;
using System.Net.Sockets;

namespace Nono.Core.Proxy;

/// <summary>
/// Closes a connection after an error response without losing that response: half-close, then read and discard
/// what the client still sends (bounded in bytes and time). Closing with unread data would send a TCP reset, and the
/// client could see "connection reset" instead of the 403/407/431 that explains the refusal.
/// </summary>
internal static class LingeringClose
{
    private const int MaxDrainBytes = 1024 * 1024;
    private static readonly TimeSpan s_maxLinger = TimeSpan.FromSeconds(2);

    public static async Task RunAsync(Socket socket, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        using CancellationTokenSource linger = new(s_maxLinger, timeProvider);
        using CancellationTokenSource linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, linger.Token);
        try
        {
            socket.Shutdown(SocketShutdown.Send);
            int drained = 0;
            while (drained < MaxDrainBytes)
            {
                int n = await socket.ReceiveAsync(buffer, SocketFlags.None, linked.Token);
                if (n == 0)
                {
                    return;
                }

                drained += n;
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Best effort: the response has been written either way.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
