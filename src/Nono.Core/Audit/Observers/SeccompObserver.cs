using System.Runtime.Versioning;
using System.Threading.Channels;
using Nono.Core.Policy;
using IProxyEventSink = Nono.Core.Proxy.IProxyEventSink;
using ProxyMode = Nono.Core.Proxy.ProxyMode;
using Nono.Core.Sandbox;
using Nono.Core.Sandbox.Interop;
using static Nono.Core.Sandbox.Interop.Interop.SeccompNotify;

namespace Nono.Core.Audit.Observers;

/// <summary>
/// The supervisor's half of the filesystem observer. The sandboxed child installs a notify-only seccomp filter for
/// path syscalls (<c>open*</c>, <c>creat</c>, <c>mkdir*</c>, <c>unlink*</c>, <c>rename*</c>, <c>link*</c>, <c>symlink*</c>,
/// <c>truncate</c>, <c>execve*</c>) and hands its listener over. For each call this reads the path from the caller's
/// memory, answers <c>SECCOMP_USER_NOTIF_FLAG_CONTINUE</c> (always: Landlock decides, this only watches), and then
/// asks the policy on a second thread, so the next caller does not wait for the policy check; an access the policy
/// denies is recorded with mechanism <see cref="ObserverMechanisms.SeccompObserver"/>.
/// With <see cref="NetworkSink"/> it is also notified of the network calls seccomp refuses (the enforcing filter defers
/// them to this one, see <c>Nono.Core.Sandbox.NetworkRefusals</c>): those are answered with EPERM, never CONTINUE, and
/// recorded; only a path call this observer was installed for, or (landlock-tcp tier) a connect, is ever continued:
/// both still meet Landlock (see SeccompObserver.Connect.cs).
/// If this observer stops, the listener closes and the kernel fails the remaining observed calls with ENOSYS: the
/// sandbox never gains access and never waits forever.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed partial class SeccompObserver : IDisposable
{
    private readonly Func<string, FsOperation, Decision>? _decide; // null: an observer of network refusals only
    private readonly IFilesystemObservationSink? _sink;
    private readonly TimeProvider _time;
    private readonly SafeFdHandle _stopRead;
    private readonly SafeFdHandle _stopWrite;
    private SafeFdHandle? _listener;
    private Thread? _loop;
    private Thread? _evaluator;

    /// <summary>
    /// Accesses read by the answering thread, waiting for the policy check. Bounded: when the evaluator falls behind,
    /// the answering thread waits for room, so memory stays bounded and observation degrades to checking inline.
    /// Continuations run synchronously: both sides block on the channel's tasks, so a continuation only wakes the other
    /// thread, and the thread pool (a worker and its gate thread started at the first observed call) is never needed.
    /// </summary>
    private readonly Channel<PendingAccess> _pending = Channel.CreateBounded<PendingAccess>(
        new BoundedChannelOptions(4096) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait, AllowSynchronousContinuations = true });
    private long _seen;
    private long _denials;
    private long _unreadable;
    private string? _failure; // the first failure; written once through Fail, read with Volatile.Read
    private string? _unavailable; // why the child could not install the listener (an observer of refusals only)
    private bool _stopped;

    /// <summary>
    /// An observer that asks <paramref name="decide"/> (the run's policy, e.g. <see cref="PolicyExplainer.Why(ResolvedPolicy, string, FsOperation)"/>)
    /// about every path and reports the denied ones to <paramref name="sink"/>.
    /// </summary>
    public SeccompObserver(Func<string, FsOperation, Decision> decide, IFilesystemObservationSink sink, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(decide);
        ArgumentNullException.ThrowIfNull(sink);
        _decide = decide;
        _sink = sink;
        _time = time ?? TimeProvider.System;
        (_stopRead, _stopWrite) = Interop.Pipe();
    }

    private SeccompObserver(IProxyEventSink networkSink, TimeProvider? time)
    {
        ArgumentNullException.ThrowIfNull(networkSink);
        NetworkSink = networkSink;
        _time = time ?? TimeProvider.System;
        (_stopRead, _stopWrite) = Interop.Pipe();
    }

    /// <summary>An observer of refused network calls only (<see cref="NetworkSink"/>); it is notified of no path call.</summary>
    public static SeccompObserver ForNetworkRefusals(IProxyEventSink networkSink, TimeProvider? time = null) => new(networkSink, time);

    /// <summary>
    /// Where refused network calls go (<see cref="ProxyMode.Socket"/> events), or null. When set and the network is
    /// restricted, the launch moves the recordable refusals from the enforcing seccomp filter to this observer's filter
    /// (<c>Nono.Core.Sandbox.NetworkRefusals</c>); this observer answers every such call with EPERM, never CONTINUE.
    /// </summary>
    public IProxyEventSink? NetworkSink { get; init; }

    /// <summary>Whether the launch should notify this observer of path calls.</summary>
    internal bool ObservesPaths => _decide is not null;

    /// <summary>Whether the launch should notify this observer of refused network calls.</summary>
    internal bool RecordsNetwork => NetworkSink is not null || GuardOnly;

    /// <summary>Whether the child handed over its listener and the loop ran.</summary>
    public bool Attached => _handedOver;

    /// <summary>The report for the session record (call after <see cref="Stop"/>).</summary>
    public ObserverReport Report() => _unavailable is string unavailable
        ? ObserverReport.Unavailable(Mechanism, unavailable)
        : !Attached
        ? new ObserverReport(Mechanism, "failed", "the sandbox child never handed over its listener", 0, 0)
        : Volatile.Read(ref _failure) is string failure
            ? new ObserverReport(Mechanism, "failed", failure, Volatile.Read(ref _denials), Volatile.Read(ref _seen))
            : new ObserverReport(Mechanism, "active",
                "unverified claims: paths are read from the process's memory while it waits, and the process can change them"
                    + (Volatile.Read(ref _unreadable) == 0 ? "" : $"; {Volatile.Read(ref _unreadable)} call(s) with unreadable arguments not checked"),
                Volatile.Read(ref _denials), Volatile.Read(ref _seen));

    /// <summary>Starts answering notifications on <paramref name="listener"/> (takes ownership).</summary>
    internal void Attach(SafeFdHandle listener)
    {
        if (_handedOver)
        {
            listener.Dispose();
            throw new InvalidOperationException("the observer is already attached to a sandbox");
        }

        _listener = listener;
        _handedOver = true;
        StartThreads(); // usually done: Prestart ran before the fork
        _listenerReady.Set();
    }

    /// <summary>
    /// Ends observation once the command has exited: the loop stops (it ends by itself when no process is left under the
    /// filter) and the listener is closed, so any process that outlived the command gets ENOSYS instead of waiting.
    /// </summary>
    public void Stop()
    {
        if (_loop is null || _stopped)
        {
            return;
        }

        _stopped = true;
        if (!_handedOver)
        {
            EndUnattachedThreads();
            return;
        }

        ReadOnlySpan<byte> one = [1];
        unsafe
        {
            fixed (byte* p = one)
            {
                // SAFETY: p is pinned for the call and one byte long; a full pipe (impossible: one write) is harmless.
                _ = Interop.Libc.write(_stopWrite.Fd, p, 1);
            }
        }

        _loop.Join();
        _listener?.Dispose();
        StopClosingCopies();
        ReportUnrecordedRefusals();
        _evaluator?.Join(); // the loop completed the queue on its way out: every access read is checked before the report
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Stop();
        _stopRead.Dispose();
        _stopWrite.Dispose();
        _listenerReady.Dispose();
    }

    private unsafe void Loop()
    {
        if (WaitForListener() is not SafeFdHandle listener)
        {
            return; // stopped before any listener came
        }

        Interop.PollFd* fds = stackalloc Interop.PollFd[2];
        try
        {
            while (true)
            {
                fds[0] = new Interop.PollFd { fd = listener.Fd, events = Interop.POLLIN };
                fds[1] = new Interop.PollFd { fd = _stopRead.Fd, events = Interop.POLLIN };
                // SAFETY: fds is two pollfd structs on this frame.
                if (Interop.Libc.poll(fds, 2, -1) < 0)
                {
                    if (Interop.LastErrno == (int)Interop.Errno.EINTR)
                    {
                        continue;
                    }

                    Fail($"poll failed (errno {Interop.LastErrno})");
                    return;
                }

                if (fds[1].revents != 0)
                {
                    return;
                }

                if ((fds[0].revents & Interop.POLLIN) == 0)
                {
                    return; // POLLHUP: no process is left under the filter
                }

                seccomp_notif request = default; // the kernel insists on a zeroed buffer
                // SAFETY: request is an 80-byte seccomp_notif on this frame, the size SECCOMP_IOCTL_NOTIF_RECV encodes.
                if (Interop.Libc.ioctl(listener.Fd, SECCOMP_IOCTL_NOTIF_RECV, &request) != 0)
                {
                    int errno = Interop.LastErrno;
                    if (errno is (int)Interop.Errno.EINTR or (int)Interop.Errno.ENOENT)
                    {
                        continue; // interrupted, or the caller died before we received it
                    }

                    Fail($"SECCOMP_IOCTL_NOTIF_RECV failed (errno {errno})");
                    return;
                }

                if (_guardsListens && request.nr == Interop.SyscallNumbers.Current.listen)
                {
                    // The landlock-tcp tier: listened on here, on a checked copy of the socket, or refused (never continued).
                    CheckListen(listener, request);
                    continue;
                }

                if (_connectPorts is { } allowedPorts && request.nr == Interop.SyscallNumbers.Current.connect)
                {
                    // The landlock-tcp tier: refused (EACCES) and recorded if Landlock would refuse it, else continued.
                    // Not counted in _seen: the report's "examined" figure stays what it was before connects came here.
                    CheckConnect(listener, request, allowedPorts);
                    continue;
                }

                if (_metadata is { } grants && MetadataSyscalls.Find(request.nr) is { } metadataCall)
                {
                    // Performed here inside the writable grants, refused outside (SeccompObserver.Metadata.cs); never continued.
                    CheckMetadata(listener, request, metadataCall, grants);
                    continue;
                }

                Interlocked.Increment(ref _seen);

                if (!ObservesPaths || !ObservedSyscalls.Current.ContainsKey(request.nr))
                {
                    // Not a path call: a network call the enforcing filter deferred to this one. Always refused.
                    RefuseAndRecord(listener, request);
                    continue;
                }

                PendingAccess? access = ReadAccess(listener, request);
                Continue(listener, request.id);
                if (access is not null && !_pending.Writer.TryWrite(access))
                {
                    // The queue is full: wait for the evaluator to make room (it drains until the queue is completed).
                    _pending.Writer.WriteAsync(access).AsTask().GetAwaiter().GetResult();
                }
            }
        }
        catch (Exception ex)
        {
            // Fail closed: the listener is closed below, so the remaining observed calls get ENOSYS.
            Fail($"observer stopped: {ex.Message}");
        }
        finally
        {
            listener.Dispose();
            _pending.Writer.TryComplete();
        }
    }

    /// <summary>Keeps the first failure: a later one (the loop finding the queue closed) is its consequence.</summary>
    private void Fail(string failure) => Interlocked.CompareExchange(ref _failure, failure, null);

    /// <summary>The policy check of every access the loop read, in order, until the loop completes the queue.</summary>
    private void EvaluatePending()
    {
        ChannelReader<PendingAccess> reader = _pending.Reader;
        try
        {
            while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
            {
                while (reader.TryRead(out PendingAccess? access))
                {
                    Evaluate(access);
                }
            }
        }
        catch (Exception ex)
        {
            // A failed check must not pass unnoticed: the report says the observer failed.
            Fail($"policy check stopped: {ex.Message}");
            _pending.Writer.TryComplete();
        }
    }

    private static unsafe void Continue(SafeFdHandle listener, ulong id)
    {
        seccomp_notif_resp response = new() { id = id, flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE };
        // SAFETY: response is a 24-byte seccomp_notif_resp on this frame, the size SECCOMP_IOCTL_NOTIF_SEND encodes.
        // ENOENT (the caller died or was interrupted meanwhile) needs no answer.
        _ = Interop.Libc.ioctl(listener.Fd, SECCOMP_IOCTL_NOTIF_SEND, &response);
    }
}
