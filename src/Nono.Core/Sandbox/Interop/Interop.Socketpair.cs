using System.Runtime.InteropServices;

namespace Nono.Core.Sandbox.Interop;

internal static partial class Interop
{
    public const int AF_UNIX = 1;
    public const int SOCK_STREAM = 1;
    public const int SOCK_CLOEXEC = 0x80000;

    internal static partial class Libc
    {
        // SAFETY: fds points at two ints on the caller's stack, alive for the call.
        [LibraryImport(Libraries.Libc, EntryPoint = "socketpair", SetLastError = true)]
        internal static unsafe partial int socketpair(int domain, int type, int protocol, int* fds);

        // SAFETY: msg points at a msghdr_t whose iovec_t and control buffers the caller keeps alive for the call.
        [LibraryImport(Libraries.Libc, EntryPoint = "recvmsg", SetLastError = true)]
        internal static unsafe partial nint recvmsg(int fd, msghdr_t* msg, int flags);

        // SAFETY: plain integer arguments.
        [LibraryImport(Libraries.Libc, EntryPoint = "shutdown", SetLastError = true)]
        internal static partial int shutdown(int fd, int how);

        // SAFETY: buffer points at count readable bytes owned by the caller for the call.
        [LibraryImport(Libraries.Libc, EntryPoint = "send", SetLastError = true)]
        internal static unsafe partial nint send(int fd, byte* buffer, nuint count, int flags);
    }

    /// <summary>A CLOEXEC AF_UNIX stream socketpair.</summary>
    internal static (SafeFdHandle A, SafeFdHandle B) SocketPair()
    {
        int a, b;
        unsafe
        {
            int* fds = stackalloc int[2];
            // SAFETY: fds is a two-int stack buffer, as socketpair requires.
            CheckIo(Libc.socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), "socketpair");
            a = fds[0];
            b = fds[1];
        }

        return (new SafeFdHandle(a), new SafeFdHandle(b));
    }

    /// <summary>
    /// Receives one byte and at most one SCM_RIGHTS descriptor (made CLOEXEC). Returns -1 at end of stream (the peer
    /// closed without sending), else the received descriptor; throws when the message carried no descriptor.
    /// </summary>
    // SAFETY: data is one byte on this frame, alive for the call. The caller keeps socket open.
    internal static unsafe int ReceiveDescriptor(SafeFdHandle socket, string what = "proxy listener")
    {
        byte data = 0;
        nint n = ReceiveMessage(socket, &data, 1, out int fd);
        if (n == 0)
        {
            return -1;
        }

        return fd >= 0 ? fd : throw new Diagnostics.NonoException(Diagnostics.NonoErrorCode.SandboxSetupFailed, $"the sandbox child sent no {what} descriptor");
    }

    /// <summary>
    /// Receives the observer's hand-over: the listener (one data byte and SCM_RIGHTS, made CLOEXEC), -1 at end of stream,
    /// or -2 with <paramref name="errno"/> set when the child sent, as one byte without a descriptor, why it has none.
    /// </summary>
    // SAFETY: data is one byte on this frame, alive for the call. The caller keeps socket open.
    internal static unsafe int ReceiveObserverListener(SafeFdHandle socket, out int errno)
    {
        byte data = 0;
        nint n = ReceiveMessage(socket, &data, 1, out int fd);
        errno = fd < 0 && n > 0 ? data : 0;
        return n == 0 ? -1 : fd >= 0 ? fd : -2;
    }

    /// <summary>Ends the stream in the sending direction (the peer reads EOF even while other copies of this end are open).</summary>
    internal static void ShutdownSend(SafeFdHandle socket) => CheckIo(Libc.shutdown(socket.Fd, 1 /* SHUT_WR */), "shutdown");

    /// <summary>Sends all of <paramref name="bytes"/> (no SIGPIPE: a dead peer is an error).</summary>
    // SAFETY: the span is pinned for the whole loop; the caller keeps socket open.
    internal static unsafe void SendAll(SafeFdHandle socket, ReadOnlySpan<byte> bytes)
    {
        fixed (byte* p = bytes)
        {
            int sent = 0;
            while (sent < bytes.Length)
            {
                // SAFETY: p is pinned for the fixed block and [sent, Length) is inside the span.
                nint n = Libc.send(socket.Fd, p + sent, (nuint)(bytes.Length - sent), MSG_NOSIGNAL);
                if (n < 0 && LastErrno == (int)Errno.EINTR)
                {
                    continue;
                }

                sent += (int)CheckIo(n, "send");
            }
        }
    }
}
