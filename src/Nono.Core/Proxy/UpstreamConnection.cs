using System.Net.Sockets;

namespace Nono.Core.Proxy;

/// <summary>
/// One connection to an upstream (TCP, plus TLS for https), made to an address the connector checked. While it waits in
/// the <see cref="UpstreamPool"/> it is watched: an upstream that closes it, or sends anything at all (an unsolicited or
/// left-over response), makes it unusable and it is never reused.
/// <para>
/// A TLS connection is watched by a pending zero-byte read: TLS buffers in user space, so poll(2) on the socket cannot
/// see a record already read, and the TLS stream completes such a read only once a record really arrived. A plain
/// connection is watched with poll(2) alone: .NET's socket layer completes a pending zero-byte read on any readiness
/// notification without checking the socket, also on a stale one left from the response just read, so under load such a
/// read completes with nothing to read (seen in 60 of 300 plain-HTTP reuses: the pool then dropped a good connection).
/// </para>
/// </summary>
internal sealed class UpstreamConnection : IDisposable
{
    private readonly bool _watchByRead;
    private Task<int>? _watch;
    private int _disposed;

    public UpstreamConnection(UpstreamKey key, Socket socket, Stream stream, long createdAt)
    {
        Key = key;
        Socket = socket;
        Stream = stream;
        CreatedAt = createdAt;
        _watchByRead = stream is not NetworkStream;
    }

    public UpstreamKey Key { get; }

    public Socket Socket { get; }

    /// <summary>The stream requests go over: the TLS stream for https, else the network stream (it owns the socket).</summary>
    public Stream Stream { get; }

    /// <summary>When the connection was made (a <see cref="TimeProvider"/> timestamp).</summary>
    public long CreatedAt { get; }

    /// <summary>When the connection went idle in the pool.</summary>
    public long IdleSince { get; set; }

    /// <summary>How long it may stay idle in the pool (the upstream's announced keep-alive may be shorter than the pool's).</summary>
    public TimeSpan IdleLimit { get; set; } = UpstreamPool.IdleLimit;

    /// <summary>Whether this connection carried an earlier exchange (it came from the pool).</summary>
    public bool Reused { get; private set; }

    /// <summary>Starts watching an idle connection; false when it is already readable (data or end of stream).</summary>
    public bool StartWatching()
    {
        if (!_watchByRead)
        {
            return IsQuiet;
        }

        _watch = Stream.ReadAsync(Memory<byte>.Empty).AsTask();
        _ = _watch.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        return !_watch.IsCompleted && IsQuiet;
    }

    /// <summary>
    /// Whether nothing arrived while idle: the socket has nothing to read and, for TLS, the watching read is still pending
    /// (poll(2) is checked too because the read's completion may not have run yet when the upstream's FIN just arrived).
    /// </summary>
    public bool IsQuiet
    {
        get
        {
            try
            {
                return (!_watchByRead || _watch is { IsCompleted: false }) && Volatile.Read(ref _disposed) == 0 && !Socket.Poll(0, SelectMode.SelectRead);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return false;
            }
        }
    }

    /// <summary>Marks a connection taken from the pool for a new exchange.</summary>
    public void MarkReused() => Reused = true;

    /// <summary>
    /// Before the first response read of a reused TLS connection: waits for the watching read, which completes when the
    /// response starts (or the upstream closes). Only one read may be outstanding on a stream.
    /// </summary>
    public async ValueTask WaitReadableAsync(CancellationToken cancellationToken)
    {
        if (_watch is Task<int> watch)
        {
            _watch = null;
            await watch.WaitAsync(cancellationToken);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Stream.Dispose(); // closes the socket, which ends a pending watching read
            Socket.Dispose();
        }
    }
}
