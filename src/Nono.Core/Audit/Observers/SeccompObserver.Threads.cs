using Nono.Core.Sandbox.Interop;

namespace Nono.Core.Audit.Observers;

/// <summary>
/// The observer's threads start before the fork (<see cref="Prestart"/>, on the launcher's supervisor thread while the
/// caller builds the launch state) and wait for the listener: the child's execve is already an observed call, so a thread
/// started only when the listener arrives adds its start to every launch, between the clone and the command's exec
/// (docs/notes/s15-launch.md). Nothing is observed or answered before <see cref="Attach"/>, as before.
/// </summary>
public sealed partial class SeccompObserver
{
    /// <summary>Set by <see cref="Attach"/> (the listener is there) or by <see cref="Stop"/> before one came (there is none).</summary>
    private readonly ManualResetEventSlim _listenerReady = new(initialState: false, spinCount: 0);

    private bool _handedOver;

    /// <summary>
    /// Starts the answering thread (and the policy thread) ahead of the launch; they wait for <see cref="Attach"/>, and end
    /// on <see cref="Stop"/> if no listener ever came. Call it on the thread that attaches, at most once per launch.
    /// </summary>
    internal void Prestart()
    {
        if (!_handedOver && !_stopped)
        {
            StartThreads();
        }
    }

    private void StartThreads()
    {
        if (_loop is not null)
        {
            return;
        }

        // Each field is set only once its thread runs: after a failed start (out of memory), Attach starts what is missing.
        if (ObservesPaths && _evaluator is null)
        {
            Thread evaluator = new(EvaluatePending) { IsBackground = true, Name = "nono-fs-observer-policy" };
            evaluator.Start();
            _evaluator = evaluator;
        }

        Thread loop = new(Loop) { IsBackground = true, Name = "nono-fs-observer" };
        loop.Start();
        _loop = loop;
    }

    /// <summary>The listener once attached, or null when stopped without one (the policy thread's queue is then closed).</summary>
    private SafeFdHandle? WaitForListener()
    {
        _listenerReady.Wait();
        if (_handedOver)
        {
            return _listener!; // set by Attach before it released the wait
        }

        _pending.Writer.TryComplete();
        return null;
    }

    /// <summary>Stop before any listener came: the started threads find none and end.</summary>
    private void EndUnattachedThreads()
    {
        _listenerReady.Set();
        _loop?.Join();
        _evaluator?.Join();
    }
}
