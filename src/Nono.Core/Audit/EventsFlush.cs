using System.Runtime.ExceptionServices;

namespace Nono.Core.Audit;

/// <summary>
/// Runs one flush, and optionally a second one after it, on its own thread (not the thread pool, which nono's run path
/// keeps unstarted) so they overlap with the caller's work; runs them inline when no thread can be started.
/// <see cref="WaitFirst"/> returns once the first is done (the caller may then go on while the second runs),
/// <see cref="Wait"/> once both are; each rethrows its flush's failure. The second runs only if the first succeeded.
/// </summary>
internal sealed class EventsFlush : IDisposable
{
    private readonly Action _first;
    private readonly Action? _then;
    private readonly ManualResetEventSlim _firstDone = new(initialState: false, spinCount: 0);
    private Thread? _thread;
    private ExceptionDispatchInfo? _firstError;
    private ExceptionDispatchInfo? _thenError;
    private bool _waited;

    private EventsFlush(Action first, Action? then)
    {
        _first = first;
        _then = then;
    }

    public static EventsFlush Start(Action flush) => Start(flush, null);

    /// <summary>Starts <paramref name="first"/> and then, if it succeeded, <paramref name="then"/> on one helper thread.</summary>
    public static EventsFlush Start(Action first, Action? then)
    {
        EventsFlush started = new(first, then);
        try
        {
            Thread thread = new(started.Run) { IsBackground = true, Name = "nono-audit-flush" };
            thread.Start();
            started._thread = thread;
        }
        catch (Exception ex) when (ex is OutOfMemoryException or ThreadStartException)
        {
            started._thread = null; // no thread to be had: the waits run the flushes inline
        }

        return started;
    }

    /// <summary>Waits for the first flush (or runs it, when no thread started) and rethrows what it threw.</summary>
    public void WaitFirst()
    {
        if (_thread is null)
        {
            if (!_firstDone.IsSet)
            {
                RunFirst();
            }
        }
        else
        {
            _firstDone.Wait();
        }

        _firstError?.Throw();
    }

    /// <summary>Waits for both flushes (or runs what is left, when no thread started) and rethrows the first failure.</summary>
    public void Wait()
    {
        if (!_waited)
        {
            _waited = true;
            if (_thread is null)
            {
                if (!_firstDone.IsSet)
                {
                    RunFirst();
                }

                RunThen();
            }
            else
            {
                _thread.Join();
            }
        }

        _firstError?.Throw();
        _thenError?.Throw();
    }

    /// <summary>Never leaves a flush running behind the caller's back.</summary>
    public void Dispose()
    {
        if (!_waited)
        {
            _waited = true;
            _thread?.Join();
        }

        _firstDone.Dispose();
    }

    private void Run()
    {
        RunFirst();
        RunThen();
    }

    private void RunFirst()
    {
        try
        {
            _first();
        }
        catch (Exception ex)
        {
            _firstError = ExceptionDispatchInfo.Capture(ex);
        }
        finally
        {
            _firstDone.Set();
        }
    }

    private void RunThen()
    {
        if (_then is null || _firstError is not null)
        {
            return;
        }

        try
        {
            _then();
        }
        catch (Exception ex)
        {
            _thenError = ExceptionDispatchInfo.Capture(ex);
        }
    }
}
