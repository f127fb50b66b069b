using System.Buffers.Binary;
using System.Net.Sockets;

namespace Nono.Core.Proxy;

/// <summary>
/// DNS over TCP (RFC 1035 4.2.2: each message after a two-byte length): the same refusal and record as over UDP, with
/// every resource bounded, because the sandbox controls the connections. At most <see cref="MaxTcpConnections"/> at once
/// (a connection beyond that is closed unread and counted in <c>dns-tcp-connections-refused:N</c>), at most <see cref="MaxTcpQueriesPerConnection"/>
/// queries of at most <see cref="MaxTcpQueryBytes"/> each, and <see cref="TcpConnectionLifetime"/> per connection from
/// its accept; then the connection is closed.
/// </summary>
public sealed partial class DnsRefuser
{
    /// <summary>Connections served at once.</summary>
    public const int MaxTcpConnections = 16;

    /// <summary>Queries answered per connection (glibc sends A and AAAA on one connection), then it is closed.</summary>
    public const int MaxTcpQueriesPerConnection = 4;

    /// <summary>The longest query read: one question of at most 255 bytes with EDNS options fits several times over.</summary>
    public const int MaxTcpQueryBytes = 1024;

    /// <summary>How long one connection may live, whatever it sends.</summary>
    public static readonly TimeSpan TcpConnectionLifetime = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan s_acceptRetryDelay = TimeSpan.FromMilliseconds(100);

    private readonly Socket? _tcpListener;
    private readonly Task _tcpLoop;
    private readonly HashSet<Task> _tcpConnections = [];
    private int _tcpOpen;

    private async Task AcceptAsync()
    {
        Socket listener = _tcpListener!; // this loop runs only with a listener
        for (long accepted = 1; !_stop.IsCancellationRequested; accepted++)
        {
            if (accepted % 64 == 0)
            {
                await Task.Yield(); // as in ServeAsync: a flood of connects must not hold the socket thread
            }

            Socket client;
            try
            {
                client = await listener.AcceptAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionAborted or SocketError.ConnectionReset)
            {
                continue; // the client reset before the accept: the connection is gone
            }
            catch (SocketException)
            {
                // Out of descriptors or memory: the connection stays queued, and accepting again at once would spin.
                try
                {
                    await Task.Delay(s_acceptRetryDelay, _time, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            if (Interlocked.Increment(ref _tcpOpen) > MaxTcpConnections)
            {
                Interlocked.Decrement(ref _tcpOpen);
                Interlocked.Increment(ref _tcpConnectionsRefused);
                client.Dispose(); // the client fails at once; the count is reported at the end
                continue;
            }

            Task connection = ServeConnectionAsync(client);
            lock (_tcpConnections)
            {
                _tcpConnections.Add(connection);
            }

            // Registered after the add, so a connection that already ended is removed at once: the set holds only live ones.
            _ = connection.ContinueWith(
                static (done, state) =>
                {
                    HashSet<Task> live = (HashSet<Task>)state!;
                    lock (live)
                    {
                        live.Remove(done);
                    }
                },
                _tcpConnections,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    private async Task ServeConnectionAsync(Socket client)
    {
        try
        {
            using CancellationTokenSource lifetime = new(TcpConnectionLifetime, _time);
            using CancellationTokenSource linked = CancellationTokenSource.CreateLinkedTokenSource(lifetime.Token, _stop.Token);
            CancellationToken ct = linked.Token;
            byte[] buffer = new byte[2 + MaxTcpQueryBytes];
            for (int i = 0; i < MaxTcpQueriesPerConnection; i++)
            {
                if (!await ReadExactlyAsync(client, buffer.AsMemory(0, 2), ct))
                {
                    return; // the client is done
                }

                int length = BinaryPrimitives.ReadUInt16BigEndian(buffer);
                if (length > MaxTcpQueryBytes)
                {
                    Record(false, "", 0); // no question of a query is this long
                    return;
                }

                if (!await ReadExactlyAsync(client, buffer.AsMemory(2, length), ct))
                {
                    return;
                }

                int answer = Answer(buffer.AsSpan(2, length));
                if (answer == 0)
                {
                    return; // not a query: never answered
                }

                BinaryPrimitives.WriteUInt16BigEndian(buffer, (ushort)answer);
                await client.SendAsync(buffer.AsMemory(0, 2 + answer), SocketFlags.None, ct);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Out of time, stopping, or the client went away; whatever was read is recorded already.
        }
        finally
        {
            client.Dispose();
            Interlocked.Decrement(ref _tcpOpen);
        }
    }

    /// <summary>Fills <paramref name="buffer"/>; false at end of stream.</summary>
    private static async ValueTask<bool> ReadExactlyAsync(Socket client, Memory<byte> buffer, CancellationToken ct)
    {
        int read = 0;
        while (read < buffer.Length)
        {
            int n = await client.ReceiveAsync(buffer[read..], SocketFlags.None, ct);
            if (n == 0)
            {
                return false;
            }

            read += n;
        }

        return true;
    }

    /// <summary>Waits for the accept loop and every connection (the caller has cancelled and closed the listener).</summary>
    private async Task StopTcpAsync()
    {
        await _tcpLoop;
        Task[] connections;
        lock (_tcpConnections)
        {
            connections = [.. _tcpConnections];
        }

        await Task.WhenAll(connections);
    }
}
