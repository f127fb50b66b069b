namespace Nono.Core.Sandbox.Interop;

internal static partial class Interop
{
    /// <summary>A pidfd for a child we have not reaped yet: signals through it can never hit a recycled pid.</summary>
    internal static SafeFdHandle PidfdOpen(int pid)
    {
        nint fd = Libc.syscall(SyscallNumbers.pidfd_open, pid, 0, 0);
        CheckIo(fd, "pidfd_open");
        return new SafeFdHandle((int)fd);
    }

    /// <summary>Sends <paramref name="signal"/> through a pidfd. False when the process already exited (ESRCH).</summary>
    internal static bool PidfdSendSignal(SafeFdHandle pidfd, int signal)
    {
        bool added = false;
        try
        {
            pidfd.DangerousAddRef(ref added);
            nint result = Libc.syscall(SyscallNumbers.pidfd_send_signal, pidfd.Fd, signal, 0, 0);
            if (result == 0)
            {
                return true;
            }

            int errno = LastErrno;
            if (errno == 3)
            {
                return false; // ESRCH: exited (possibly not yet reaped).
            }

            ThrowSetupFailed("pidfd_send_signal", errno);
            return false;
        }
        finally
        {
            if (added)
            {
                pidfd.DangerousRelease();
            }
        }
    }
}
