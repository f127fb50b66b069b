namespace Nono.Core.Proxy;

/// <summary>
/// A cancellation token that fires after a period without activity, or when the proxy shuts down. <see cref="Touch"/>
/// only stores a timestamp (it is on the copy loop's hot path); the timer re-arms itself for the remaining time.
/// </summary>
internal sealed class IdleTimeout : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly CancellationTokenRegistration _shutdown;
    private readonly TimeProvider _time;
    private readonly TimeSpan _timeout;
    private readonly ITimer _timer;
    private long _lastActivity;

    public IdleTimeout(TimeSpan timeout, TimeProvider timeProvider, CancellationToken shutdown)
    {
        _timeout = timeout;
        _time = timeProvider;
        _lastActivity = timeProvider.GetTimestamp();
        _timer = timeProvider.CreateTimer(static s => ((IdleTimeout)s!).OnTimer(), this, timeout, Timeout.InfiniteTimeSpan);
        _shutdown = shutdown.Register(static s => ((CancellationTokenSource)s!).Cancel(), _cts);
    }

    public CancellationToken Token => _cts.Token;

    /// <summary>Restarts the idle period.</summary>
    public void Touch() => Volatile.Write(ref _lastActivity, _time.GetTimestamp());

    public void Dispose()
    {
        _timer.Dispose();
        _shutdown.Dispose();
        _cts.Dispose();
    }

    private void OnTimer()
    {
        TimeSpan idleFor = _time.GetElapsedTime(Volatile.Read(ref _lastActivity));
        try
        {
            if (idleFor >= _timeout)
            {
                _cts.Cancel();
            }
            else
            {
                _timer.Change(_timeout - idleFor, Timeout.InfiniteTimeSpan);
            }
        }
        catch (ObjectDisposedException)
        {
            // The connection finished while the timer fired.
        }
    }
}
