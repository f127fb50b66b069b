namespace Nono.Core.Proxy;

/// <summary>A cancellation token that fires after a period without activity, or when the proxy shuts down.</summary>
internal sealed class IdleTimeout : IDisposable
{
    private readonly CancellationTokenSource _cts;
    private readonly CancellationTokenRegistration _shutdown;
    private readonly TimeSpan _timeout;

    public IdleTimeout(TimeSpan timeout, TimeProvider timeProvider, CancellationToken shutdown)
    {
        _timeout = timeout;
        _cts = new CancellationTokenSource(timeout, timeProvider);
        _shutdown = shutdown.Register(static s => ((CancellationTokenSource)s!).Cancel(), _cts);
    }

    public CancellationToken Token => _cts.Token;

    /// <summary>Restarts the idle period.</summary>
    public void Touch()
    {
        try
        {
            _cts.CancelAfter(_timeout);
        }
        catch (ObjectDisposedException)
        {
            // The connection is already finished.
        }
    }

    public void Dispose()
    {
        _shutdown.Dispose();
        _cts.Dispose();
    }
}
