using System.Runtime.InteropServices;

namespace Nono.Core.Sandbox.Interop;

internal static partial class Interop
{
    public const int SOL_SOCKET_LEVEL = 1;
    public const int SO_TYPE = 3;
    public const int SO_PROTOCOL = 38;
    public const int SO_DOMAIN = 39;
    public const int IPPROTO_TCP_LEVEL = 6;
    public const int TCP_INFO = 11;
    public const int SHUT_RD = 0;
    private const int PIDFD_THREAD = 0x80; // O_EXCL: a pidfd for a thread that is not the group leader (Linux 6.9)

    internal static partial class Libc
    {
        // SAFETY: value points at *length writable bytes and length at an int, both owned by the caller for the call.
        [LibraryImport(Libraries.Libc, EntryPoint = "getsockopt", SetLastError = true)]
        internal static unsafe partial int getsockopt(int fd, int level, int name, void* value, int* length);

        // SAFETY: address points at *length writable bytes and length at an int, both owned by the caller for the call.
        [LibraryImport(Libraries.Libc, EntryPoint = "getsockname", SetLastError = true)]
        internal static unsafe partial int getsockname(int fd, byte* address, int* length);

        [LibraryImport(Libraries.Libc, EntryPoint = "getpeername", SetLastError = true)]
        internal static unsafe partial int getpeername(int fd, byte* address, int* length);

        // SAFETY: plain integer arguments.
        [LibraryImport(Libraries.Libc, EntryPoint = "listen", SetLastError = true)]
        internal static partial int listen(int fd, int backlog);
    }

    /// <summary>
    /// A pidfd for thread <paramref name="tid"/>: with PIDFD_THREAD (6.9+), else for the thread itself when it leads its
    /// group, else for its group leader (read from /proc/TID/status; the caller confirms afterwards, with
    /// SECCOMP_IOCTL_NOTIF_ID_VALID, that the TID still names the waiting thread). -1 with <paramref name="errno"/> when none.
    /// </summary>
    internal static int PidfdOpenThread(int tid, out int errno)
    {
        nint fd = Libc.syscall(SyscallNumbers.pidfd_open, tid, PIDFD_THREAD, 0);
        if (fd < 0 && LastErrno == (int)Errno.EINVAL)
        {
            fd = Libc.syscall(SyscallNumbers.pidfd_open, tid, 0, 0);
            if (fd < 0 && LastErrno == (int)Errno.EINVAL && GroupLeader(tid) is int tgid)
            {
                fd = Libc.syscall(SyscallNumbers.pidfd_open, tgid, 0, 0);
            }
        }

        errno = fd < 0 ? LastErrno : 0;
        return (int)fd;
    }

    /// <summary>
    /// A copy of descriptor <paramref name="fd"/> of the process behind <paramref name="pidfd"/> (CLOEXEC): the same open
    /// file description, so what is checked on it is what is acted on, whatever the owner does with its fd number.
    /// -1 with <paramref name="errno"/> (EBADF: no such descriptor; EPERM: no ptrace access).
    /// </summary>
    internal static int PidfdGetfd(int pidfd, int fd, out int errno)
    {
        nint copy = Libc.syscall(SyscallNumbers.pidfd_getfd, pidfd, fd, 0);
        errno = copy < 0 ? LastErrno : 0;
        return (int)copy;
    }

    /// <summary>An int socket option of <paramref name="fd"/>, or null with <paramref name="errno"/>.</summary>
    internal static unsafe int? SocketOption(int fd, int level, int name, out int errno)
    {
        int value = 0;
        int length = sizeof(int);
        // SAFETY: value and length are ints on this frame; length says 4 bytes.
        if (Libc.getsockopt(fd, level, name, &value, &length) != 0)
        {
            errno = LastErrno;
            return null;
        }

        errno = 0;
        return value;
    }

    private static int? GroupLeader(int tid)
    {
        try
        {
            foreach (string line in File.ReadLines($"/proc/{tid}/status"))
            {
                if (line.StartsWith("Tgid:", StringComparison.Ordinal) && int.TryParse(line.AsSpan(5).Trim(), out int tgid))
                {
                    return tgid;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return null;
    }
}
