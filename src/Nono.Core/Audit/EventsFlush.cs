using System.Runtime.ExceptionServices;

namespace Nono.Core.Audit;

/// <summary>
/// Runs one flush on its own thread (not the thread pool, which nono's run path keeps unstarted) so it overlaps with
/// the caller's work; runs it inline when no thread can be started. <see cref="Wait"/> rethrows its failure.
/// </summary>
internal sealed class EventsFlush : IDisposable
{
    private readonly Action _flush;
    private Thread? _thread;
    private ExceptionDispatchInfo? _error;
    private bool _waited;

    private EventsFlush(Action flush) => _flush = flush;

    public static EventsFlush Start(Action flush)
    {
        EventsFlush started = new(flush);
        try
        {
            Thread thread = new(started.Run) { IsBackground = true, Name = "nono-audit-flush" };
            thread.Start();
            started._thread = thread;
        }
        catch (Exception ex) when (ex is OutOfMemoryException or ThreadStartException)
        {
            started._thread = null; // no thread to be had: Wait runs the flush inline
        }

        return started;
    }

    /// <summary>Waits for the flush (or runs it, when it could not start) and rethrows what it threw.</summary>
    public void Wait()
    {
        if (!_waited)
        {
            _waited = true;
            if (_thread is null)
            {
                Run();
            }
            else
            {
                _thread.Join();
            }
        }

        _error?.Throw();
    }

    /// <summary>Never leaves the flush running behind the caller's back.</summary>
    public void Dispose()
    {
        if (!_waited)
        {
            _waited = true;
            _thread?.Join();
        }
    }

    private void Run()
    {
        try
        {
            _flush();
        }
        catch (Exception ex)
        {
            _error = ExceptionDispatchInfo.Capture(ex);
        }
    }
}
