using System.Threading.Channels;
using Nono.Core.Proxy;
using SafeFdHandle = Nono.Core.Sandbox.Interop.SafeFdHandle;
using Nono.Core.Sandbox.Interop;
using static Nono.Core.Sandbox.Interop.Interop.SeccompNotify;

namespace Nono.Core.Audit.Observers;

/// <summary>
/// The <c>landlock-tcp</c> tier's <c>listen(2)</c>. Landlock checks an explicit <c>bind(2)</c> but not the automatic bind
/// of <c>listen(2)</c> on an unbound TCP socket (0.0.0.0 or [::], an ephemeral port), so the launch sends every listen to
/// this observer, which never answers CONTINUE (the kernel would look the fd number up again, and a second thread may have
/// swapped another socket in). Instead it takes a copy of the caller's descriptor with <c>pidfd_getfd</c> (the same open
/// file description), checks that copy and calls <c>listen(copy, backlog)</c> itself, answering with its result:
/// <list type="bullet">
/// <item>a TCP socket that already listens (made outside and handed in): listened on again (a new backlog; it cannot bind);</item>
/// <item>any other TCP socket: EACCES, recorded (a connected one: EINVAL, as the kernel); whether it is bound cannot be told
/// safely (see <see cref="ListenChecked"/>), and the sandbox cannot bind in this tier anyway;</item>
/// <item>an AF_UNIX socket: listened on, as the kernel would (it must be bound to listen); every other family: EACCES;</item>
/// <item>no copy (no ptrace access to the caller): EACCES, counted as unreadable and recorded; no such descriptor: EBADF;</item>
/// <item><see cref="CopiesWaitingLimit"/> copies still waiting to be closed: EACCES, recorded, no copy taken.</item>
/// </list>
/// Every guarded listen counts as examined in the report, every EACCES as a denial.
/// Copies are closed on a thread of their own: if the caller closed its descriptor meanwhile, closing the copy is the last
/// close, which on a connected socket with SO_LINGER may wait for the linger time; this loop must never wait on it.
/// </summary>
public sealed partial class SeccompObserver
{
    private const int EBADF = 9;
    private const int IPPROTO_TCP = 6;
    private const int SOCK_STREAM = 1;
    private const int SO_ACCEPTCONN = 30;
    private const int EINVAL = 22;
    private const ushort SockaddrUnix = 1;

    /// <summary>
    /// Copies the closer thread may hold at once: a close can wait for SO_LINGER, so a sandbox that makes many such closes
    /// could otherwise pile up descriptors in the supervisor. Beyond it every listen is refused until copies are closed.
    /// </summary>
    internal const int CopiesWaitingLimit = 256;

    private bool _guardsListens; // set before Attach starts the loop
    private int _copiesWaiting; // incremented by the loop, decremented by the closer thread
    private Channel<int>? _copiesToClose; // the loop thread only creates it; drained by the closer thread
    private Thread? _closer;

    /// <summary>
    /// An observer that records nothing (no audit session) but guards the <c>landlock-tcp</c> tier's listen(2) calls: that
    /// enforcement must hold without an audit record too. Refused calls it is notified of are answered as with a sink.
    /// </summary>
    public static SeccompObserver ForListenGuard(TimeProvider? time = null) => new(time);

    private SeccompObserver(TimeProvider? time)
    {
        _time = time ?? TimeProvider.System;
        (_stopRead, _stopWrite) = Interop.Pipe();
        GuardOnly = true;
    }

    /// <summary>An observer without a record (<see cref="ForListenGuard"/>): it is not notified of connects.</summary>
    internal bool GuardOnly { get; }

    /// <summary>Called by the launch before the child starts: whether the filter sends every listen(2) here.</summary>
    internal void ExpectListens(bool guarded) => _guardsListens = guarded;

    /// <summary>Answers a waiting listen(2) with the result of listening on a checked copy of its socket, or an error.</summary>
    private void CheckListen(SafeFdHandle listener, seccomp_notif request)
    {
        Interlocked.Increment(ref _seen);
        int errno = EACCES;
        (string Host, string Reason)? refused = null;
        try
        {
            (errno, refused) = ListenOnCopy(listener, request);
        }
        finally
        {
            Answer(listener, request.id, errno); // 0: the call returns 0; never CONTINUE
        }

        if (errno == EACCES)
        {
            Interlocked.Increment(ref _denials); // every refusal of the guard, recorded or not (unrecorded: a vanished caller)
        }

        if (refused is (string host, string reason))
        {
            RecordOnce(Refusal(RefusedCallMethods.Listen, host, 0, reason));
        }
    }

    private unsafe (int Errno, (string, string)? Refused) ListenOnCopy(SafeFdHandle listener, seccomp_notif request)
    {
        int fd = unchecked((int)(uint)request.args[0]); // the kernel takes an int
        int backlog = unchecked((int)(uint)request.args[1]);
        if (Volatile.Read(ref _copiesWaiting) >= CopiesWaitingLimit)
        {
            return (EACCES, ("copies-waiting", "listen-refused:too-many-copies-waiting-to-close")); // fail closed, take no copy
        }

        int pidfd = Interop.PidfdOpenThread((int)request.pid, out int errno);
        if (pidfd < 0)
        {
            return (EACCES, null); // the thread is gone (nobody waits for the answer) or cannot be named: refused
        }

        try
        {
            if (!NotificationValid(listener, request.id))
            {
                return (EACCES, null); // the TID may have been reused: the pidfd may name another thread
            }

            int copy = Interop.PidfdGetfd(pidfd, fd, out errno);
            if (copy < 0)
            {
                if (errno == EBADF)
                {
                    return (EBADF, null); // no such descriptor: the kernel's own answer
                }

                Interlocked.Increment(ref _unreadable); // no ptrace access (Yama, a non-dumpable caller): fail closed
                return (EACCES, ("unreadable", $"listen-refused:socket-unreadable:errno-{errno}"));
            }

            try
            {
                return ListenChecked(copy, backlog);
            }
            finally
            {
                CloseLater(copy);
            }
        }
        finally
        {
            Interop.Libc.close(pidfd);
        }
    }

    /// <summary>Checks the copy and listens on it: see the type's summary.</summary>
    private static (int, (string, string)?) ListenChecked(int copy, int backlog)
    {
        if (Interop.SocketOption(copy, Interop.SOL_SOCKET_LEVEL, Interop.SO_DOMAIN, out int errno) is not int domain)
        {
            return (errno, null); // ENOTSOCK, or EBADF for an O_PATH descriptor: as the kernel answers
        }

        if (domain == SockaddrUnix)
        {
            return (Listen(copy, backlog), null); // a UNIX socket must be bound to listen; no fd swap can make this a TCP listen
        }

        string unbound = domain == SockaddrInet6 ? "::" : "0.0.0.0";
        if (domain is not (SockaddrInet or SockaddrInet6))
        {
            // Only ever handed in from outside (seccomp lets the sandbox make UNIX and TCP sockets only); some families bind
            // an inner TCP socket on listen (AF_SMC): refused.
            return (EACCES, (unbound, "listen-refused:not-unix-or-tcp"));
        }

        if (Interop.SocketOption(copy, Interop.SOL_SOCKET_LEVEL, Interop.SO_TYPE, out _) != SOCK_STREAM
            || Interop.SocketOption(copy, Interop.SOL_SOCKET_LEVEL, Interop.SO_PROTOCOL, out _) != IPPROTO_TCP)
        {
            return (EACCES, (unbound, "listen-refused:not-tcp"));
        }

        // Only a socket that already listens (made outside and handed in) is listened on again, which changes its backlog and
        // can never bind. Whether any other TCP socket is bound cannot be told safely: after a disconnect or a failed connect
        // getsockname still shows the released port, and a port range pinned to one port (IP_LOCAL_PORT_RANGE) makes the
        // listen's automatic bind take that same port again (review of s9-listen: a listener on a port of the command's
        // choosing). The sandbox cannot bind (Landlock refuses every bind in this tier), so nothing legitimate is lost there.
        if (Interop.SocketOption(copy, Interop.SOL_SOCKET_LEVEL, SO_ACCEPTCONN, out _) == 1)
        {
            return (Listen(copy, backlog), null);
        }

        Span<byte> peer = stackalloc byte[SockaddrIn6Rfc2133 + 4];
        if (PeerName(copy, peer) > 0)
        {
            return (EINVAL, null); // a connected socket: the kernel's answer
        }

        return (EACCES, (unbound, "listen-refused:not-already-listening"));
    }

    private static int Listen(int copy, int backlog) => Interop.Libc.listen(copy, backlog) == 0 ? 0 : Interop.LastErrno;

    /// <summary>getpeername into <paramref name="name"/>: the length, or -1 (not connected).</summary>
    private static unsafe int PeerName(int fd, Span<byte> name)
    {
        name.Clear();
        int length = name.Length;
        fixed (byte* p = name)
        {
            // SAFETY: p is pinned for the call and length bytes long.
            return Interop.Libc.getpeername(fd, p, &length) == 0 ? Math.Min(length, name.Length) : -1;
        }
    }

    private static unsafe bool NotificationValid(SafeFdHandle listener, ulong id)
    {
        // SAFETY: id is a u64 on this frame, the size SECCOMP_IOCTL_NOTIF_ID_VALID encodes.
        return Interop.Libc.ioctl(listener.Fd, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
    }

    /// <summary>Hands a copy to the closer thread (started on first use).</summary>
    private void CloseLater(int copy)
    {
        if (_copiesToClose is null)
        {
            _copiesToClose = Channel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
            _closer = new Thread(CloseCopies) { IsBackground = true, Name = "nono-listen-copies" };
            _closer.Start();
        }

        Interlocked.Increment(ref _copiesWaiting);
        if (!_copiesToClose.Writer.TryWrite(copy))
        {
            Interop.Libc.close(copy); // completed (cannot happen while the loop runs)
            Interlocked.Decrement(ref _copiesWaiting);
        }
    }

    private void CloseCopies()
    {
        ChannelReader<int> reader = _copiesToClose!.Reader;
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (reader.TryRead(out int copy))
            {
                Interop.Libc.close(copy);
                Interlocked.Decrement(ref _copiesWaiting);
            }
        }
    }

    /// <summary>After the loop stopped: lets the closer thread end once it has closed what is queued (not waited for).</summary>
    private void StopClosingCopies() => _copiesToClose?.Writer.TryComplete();
}
