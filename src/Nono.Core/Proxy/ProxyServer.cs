using System.Collections.Concurrent;
using System.Net.Sockets;

namespace Nono.Core.Proxy;

/// <summary>Accept loop with a connection limit, and a shutdown that closes the listener and every connection and tunnel.</summary>
internal sealed class ProxyServer : IAsyncDisposable
{
    private static readonly byte[] s_limitResponse =
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 35\r\nConnection: close\r\nX-Nono-Reason: connection-limit\r\n\r\nnono: proxy connection limit reached"u8.ToArray();

    private static readonly TimeSpan s_acceptBackoff = TimeSpan.FromMilliseconds(50);

    private readonly ProxyContext _ctx;
    private readonly Socket _listener;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly ConcurrentDictionary<Socket, byte> _sockets = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _acceptLoop = Task.CompletedTask;
    private int _active;
    private int _serving;

    public ProxyServer(ProxyContext ctx, Socket listener)
    {
        _ctx = ctx;
        _listener = listener;
    }

    public void Start() => _acceptLoop = AcceptLoopAsync();

    public async ValueTask DisposeAsync()
    {
        if (_shutdown.IsCancellationRequested)
        {
            return;
        }

        await _shutdown.CancelAsync();
        _listener.Dispose();
        await _acceptLoop;
        foreach (Socket socket in _sockets.Keys)
        {
            socket.Dispose();
        }

        if (Volatile.Read(ref _active) > 0)
        {
            await _drained.Task;
        }

        _ctx.Pool.Dispose(); // after the drain: a connection returned by a finishing exchange is closed too

        _shutdown.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_shutdown.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException
                                       || (ex is SocketException && _shutdown.IsCancellationRequested))
            {
                return;
            }
            catch (SocketException ex)
            {
                if (ex.SocketErrorCode != SocketError.ConnectionAborted)
                {
                    // Out of descriptors or memory: back off instead of spinning; established tunnels keep working.
                    try
                    {
                        await Task.Delay(s_acceptBackoff, _ctx.Time, _shutdown.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }

                continue;
            }

            client.NoDelay = true;
            Interlocked.Increment(ref _active);
            _sockets.TryAdd(client, 0);
            bool overLimit = Interlocked.Increment(ref _serving) > _ctx.Options.MaxConnections;
            _ = overLimit ? RejectAsync(client) : ServeAsync(client);
        }
    }

    private async Task ServeAsync(Socket client)
    {
        try
        {
            await Task.Yield();
            await new ProxyConnection(_ctx, client, _shutdown.Token).RunAsync();
        }
        catch (Exception ex)
        {
            // A bug in one connection must not take the supervisor down; it is recorded, never hidden.
            _ctx.Sink.Record(new ProxyEvent
            {
                Timestamp = _ctx.Time.GetUtcNow(),
                Mode = ProxyMode.Unknown,
                Decision = ProxyDecision.Denied,
                Reason = "internal-error:" + ex.GetType().Name,
                Status = 500,
            });
        }
        finally
        {
            Finish(client);
        }
    }

    private async Task RejectAsync(Socket client)
    {
        try
        {
            _ctx.Sink.Record(new ProxyEvent
            {
                Timestamp = _ctx.Time.GetUtcNow(),
                Mode = ProxyMode.Unknown,
                Decision = ProxyDecision.Denied,
                Reason = "connection-limit",
                Status = 503,
            });
            await client.SendAsync(s_limitResponse, SocketFlags.None, _shutdown.Token);
            await LingeringClose.RunAsync(client, _ctx.Time, _shutdown.Token);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Best effort: the client is refused either way.
        }
        finally
        {
            Finish(client);
        }
    }

    private void Finish(Socket client)
    {
        _sockets.TryRemove(client, out _);
        client.Dispose();
        Interlocked.Decrement(ref _serving);
        if (Interlocked.Decrement(ref _active) == 0 && _shutdown.IsCancellationRequested)
        {
            _drained.TrySetResult();
        }
    }
}
