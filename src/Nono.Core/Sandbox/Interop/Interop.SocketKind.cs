using System.Runtime.InteropServices;

namespace Nono.Core.Sandbox.Interop;

internal static partial class Interop
{
    private const int SOL_SOCKET_LEVEL = 1;
    private const int SO_TYPE = 3;
    private const int SO_PROTOCOL = 38;
    private const int SO_DOMAIN = 39;
    private const int PIDFD_THREAD = 0x80; // O_EXCL

    internal static partial class Libc
    {
        // SAFETY: value points at an int and length at its size, both on the caller's stack for the call.
        [LibraryImport(Libraries.Libc, EntryPoint = "getsockopt", SetLastError = true)]
        internal static unsafe partial int getsockopt(int fd, int level, int name, int* value, uint* length);
    }

    /// <summary>
    /// The family, type and protocol of descriptor <paramref name="fd"/> of process <paramref name="pid"/>, through a copy
    /// taken with pidfd_getfd (needs ptrace access to it: nono's own sandboxed descendants); null with
    /// <paramref name="errno"/> when it cannot be taken (EBADF: no such descriptor) or is not a socket (ENOTSOCK).
    /// </summary>
    internal static unsafe (int Domain, int Type, int Protocol)? SocketKind(int pid, int fd, out int errno)
    {
        errno = 0;
        nint pidfd = Libc.syscall(SyscallNumbers.pidfd_open, pid, 0, 0);
        if (pidfd < 0 && LastErrno is (int)Errno.EINVAL or (int)Errno.ENOENT) // not a thread-group leader (EINVAL before Linux 6.9)
        {
            pidfd = Libc.syscall(SyscallNumbers.pidfd_open, pid, PIDFD_THREAD, 0); // the thread itself (Linux 6.9+)
        }

        if (pidfd < 0)
        {
            errno = LastErrno;
            return null;
        }

        nint copy = Libc.syscall(SyscallNumbers.pidfd_getfd, pidfd, fd, 0);
        errno = copy < 0 ? LastErrno : 0;
        Libc.close((int)pidfd);
        if (copy < 0)
        {
            return null;
        }

        try
        {
            int domain = 0, type = 0, protocol = 0;
            uint length = sizeof(int);
            // SAFETY: each value and length is an int/uint on this frame, alive for its call.
            if (Libc.getsockopt((int)copy, SOL_SOCKET_LEVEL, SO_DOMAIN, &domain, &length) != 0
                || Libc.getsockopt((int)copy, SOL_SOCKET_LEVEL, SO_TYPE, &type, &length) != 0
                || Libc.getsockopt((int)copy, SOL_SOCKET_LEVEL, SO_PROTOCOL, &protocol, &length) != 0)
            {
                errno = LastErrno;
                return null;
            }

            return (domain, type, protocol);
        }
        finally
        {
            Libc.close((int)copy);
        }
    }
}
