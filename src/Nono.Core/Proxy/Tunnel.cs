using System.Buffers;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Nono.Core.Proxy;

/// <summary>
/// Copies bytes both ways between two connected sockets until both sides finish, half-closing as each side ends.
/// Each direction starts with a small buffer (cheap for idle and chatty tunnels); a direction that carries bulk data
/// switches to splice(2) through a pipe, so bytes stay in the kernel and no buffer is held while it waits.
/// </summary>
internal static class Tunnel
{
    private const int SmallBufferSize = 4096;
    private const int BufferSize = 64 * 1024;
    private const int SpliceChunk = 1024 * 1024;

    /// <summary>
    /// Bytes one direction splices before it lets other work run. A socket that stays readable (a bulk download) would
    /// otherwise keep the loop going for the whole transfer on whatever thread resumed it; with inline socket
    /// continuations (<see cref="SocketContinuations"/>) that is the socket engine's thread, and every other tunnel
    /// and request it serves would wait.
    /// </summary>
    internal const long SpliceBurst = 4 * 1024 * 1024;

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
        // Chatty traffic (request/response) uses a small buffer held by the direction: one receive per message, no
        // extra wake-up. A direction that fills it is carrying bulk data and moves to splice (or a large buffer).
        byte[]? buffer = ArrayPool<byte>.Shared.Rent(SmallBufferSize);
        (SafeFdHandle Read, SafeFdHandle Write)? pipe = null;
        CancellationToken ct = idle.Token;
        try
        {
            while (buffer is not null)
            {
                int n = await from.ReceiveAsync(buffer, SocketFlags.None, ct);
                if (n == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                idle.Touch(); // before forwarding, so any reply this data causes is seen after the idle period restarted
                await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, ct);
                Volatile.Write(ref total.Value, total.Value + n);
                if (n == buffer.Length && buffer.Length < BufferSize)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    pipe = OperatingSystem.IsLinux() ? SpliceInterop.CreatePipe() : null;
                    buffer = pipe is null ? ArrayPool<byte>.Shared.Rent(BufferSize) : null;
                }
            }

            // Splice mode: wait for readability without a buffer, then move bytes kernel-side.
            while (pipe is { } p)
            {
                await from.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, ct);
                SpliceResult result = await SpliceAvailableAsync(from, to, p, idle, total, SpliceBurst, ct);
                if (result == SpliceResult.EndOfStream)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                if (result == SpliceResult.BurstSpent)
                {
                    // The zero-byte receive above completes at once while data is waiting, so it would not yield.
                    await Task.Yield();
                }
            }
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            if (pipe is { } owned && OperatingSystem.IsLinux())
            {
                owned.Read.Dispose();
                owned.Write.Dispose();
            }
        }
    }

    internal enum SpliceResult
    {
        /// <summary>Nothing more to read now: wait for readability.</summary>
        Drained,

        /// <summary>The burst's bytes were moved and more may be waiting: let other work run first.</summary>
        BurstSpent,

        /// <summary>The source ended its side.</summary>
        EndOfStream,
    }

    /// <summary>
    /// Splices what is readable now from <paramref name="from"/> to <paramref name="to"/>, stopping once at least
    /// <paramref name="burst"/> bytes have moved.
    /// </summary>
    internal static async Task<SpliceResult> SpliceAvailableAsync(Socket from, Socket to, (SafeFdHandle Read, SafeFdHandle Write) pipe, IdleTimeout idle, StrongBox<long> total, long burst, CancellationToken ct)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException();
        }

        long moved = 0;
        while (moved < burst)
        {
            long n = SpliceInterop.Splice(from.SafeHandle, pipe.Write, SpliceChunk);
            if (n == 0)
            {
                return SpliceResult.EndOfStream;
            }

            if (n == -SpliceInterop.EAGAIN)
            {
                return SpliceResult.Drained;
            }

            if (n < 0)
            {
                throw new IOException($"splice from socket failed (errno {-n})");
            }

            idle.Touch();
            long pending = n;
            while (pending > 0)
            {
                long m = SpliceInterop.Splice(pipe.Read, to.SafeHandle, pending);
                if (m > 0)
                {
                    pending -= m;
                    continue;
                }

                if (m != -SpliceInterop.EAGAIN)
                {
                    throw new IOException($"splice to socket failed (errno {-m})");
                }

                // The destination's send buffer is full: move one chunk through memory and let SendAsync wait for room.
                byte[] chunk = ArrayPool<byte>.Shared.Rent(BufferSize);
                try
                {
                    long k = SpliceInterop.Read(pipe.Read, chunk.AsSpan(0, (int)Math.Min(pending, chunk.Length)));
                    if (k <= 0)
                    {
                        throw new IOException($"read from pipe failed (errno {-k})");
                    }

                    await to.SendAsync(chunk.AsMemory(0, (int)k), SocketFlags.None, ct);
                    pending -= k;
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(chunk);
                }
            }

            Volatile.Write(ref total.Value, total.Value + n);
            moved += n;
        }

        return SpliceResult.BurstSpent;
    }
}
