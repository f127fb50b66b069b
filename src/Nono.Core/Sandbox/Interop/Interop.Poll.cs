using System.Runtime.InteropServices;

namespace Nono.Core.Sandbox.Interop;

internal static partial class Interop
{
    public const short POLLIN = 0x001;

    /// <summary>struct pollfd.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct PollFd
    {
        public int fd;
        public short events;
        public short revents;
    }

    internal static partial class Libc
    {
        // SAFETY: fds points at nfds pollfd structs owned by the caller for the call.
        [LibraryImport(Libraries.Libc, EntryPoint = "poll", SetLastError = true)]
        internal static unsafe partial int poll(PollFd* fds, nuint nfds, int timeout);
    }

    /// <summary>Waits until <paramref name="fd"/> is readable (or hung up). False on timeout.</summary>
    internal static bool WaitReadable(SafeFdHandle fd, int timeoutMilliseconds)
    {
        bool added = false;
        try
        {
            fd.DangerousAddRef(ref added);
            while (true)
            {
                PollFd p = new() { fd = fd.Fd, events = POLLIN };
                int n;
                unsafe
                {
                    // SAFETY: p is one pollfd on this frame.
                    n = Libc.poll(&p, 1, timeoutMilliseconds);
                }

                if (n >= 0)
                {
                    return n > 0;
                }

                int errno = LastErrno;
                if (errno != (int)Errno.EINTR)
                {
                    ThrowSetupFailed("poll", errno);
                }
            }
        }
        finally
        {
            if (added)
            {
                fd.DangerousRelease();
            }
        }
    }
}
