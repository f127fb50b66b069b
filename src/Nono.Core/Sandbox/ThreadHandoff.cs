using System.Runtime.ExceptionServices;

namespace Nono.Core.Sandbox;

/// <summary>
/// One value (or the exception that replaced it) handed from one thread to another. The receiver blocks on a wait handle
/// without spinning: the launcher's waits last milliseconds (a state being built, a clone and the child's setup), and on a
/// busy two-core machine a spinning waiter takes the core the other side needs (a <see cref="Task"/> wait spins, yields
/// and sleeps first; docs/notes/s14-launch.md).
/// </summary>
internal sealed class ThreadHandoff<T> : IDisposable
    where T : class
{
    private readonly ManualResetEvent _ready = new(initialState: false);
    private T? _value;
    private ExceptionDispatchInfo? _failure;

    public void Set(T value)
    {
        _value = value;
        _ready.Set();
    }

    public void Fail(Exception failure)
    {
        _failure = ExceptionDispatchInfo.Capture(failure);
        _ready.Set();
    }

    /// <summary>The value, once set; rethrows (with its stack) what <see cref="Fail"/> passed.</summary>
    public T Wait()
    {
        _ready.WaitOne();
        _failure?.Throw();
        return _value!;
    }

    /// <summary>Called by the receiver after <see cref="Wait"/>; a <see cref="Set"/> still returning is safe (the handle is reference-counted).</summary>
    public void Dispose() => _ready.Dispose();
}
