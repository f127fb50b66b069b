using Nono.Core.Audit.Observers;
using Nono.Core.Diagnostics;
using Nono.Core.Sandbox.Interop;

namespace Nono.Core.Sandbox;

public static partial class SandboxLauncher
{
    /// <summary>
    /// Starts the observer's threads ahead of the fork, off the path from the clone to the command's exec (the child waits
    /// at its first observed call until the observer answers). Only a head start: <see cref="ReceiveObserver"/> attaches
    /// the listener and starts whatever is not running yet, and reports a failure then.
    /// </summary>
    private static void PrestartObserver(Audit.Observers.SeccompObserver? observer)
    {
        try
        {
            observer?.Prestart();
        }
        catch (Exception ex) when (ex is OutOfMemoryException or ThreadStartException)
        {
            // Nothing may escape here, or the caller would wait for a launch nobody makes.
        }
    }

    /// <summary>
    /// The supervisor's half of the observer hand-over: receives the seccomp listener the child created after Landlock and
    /// starts <paramref name="observer"/> on it before the child goes on (its execve is already an observed call).
    /// Returns normally also when the child failed before sending (its report follows on the error pipe), and when an
    /// observer of refusals only could not be installed (the child goes on without it; the observer reports why).
    /// </summary>
    private static void ReceiveObserver(SafeFdHandle channel, SeccompObserver observer, int pid, SafeFdHandle pidfd)
    {
        try
        {
            if (!Interop.Interop.WaitReadable(channel, ChildSetupTimeoutMilliseconds))
            {
                throw new NonoException(NonoErrorCode.SandboxSetupFailed, "the sandbox child did not hand over the filesystem observer");
            }

            int fd = Interop.Interop.ReceiveObserverListener(channel, out int errno);
            if (fd >= 0)
            {
                observer.Attach(new SafeFdHandle(fd));
            }
            else if (fd == -2)
            {
                observer.MarkUnavailable(errno);
            }
        }
        catch
        {
            KillAndReap(pid, pidfd);
            throw;
        }
    }
}
