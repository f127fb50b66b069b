using System.Runtime.InteropServices;

namespace Nono.Core.Sandbox.Interop;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // SAFETY: status points at one int owned by the caller for the call.
        [LibraryImport(Libraries.Libc, EntryPoint = "waitpid", SetLastError = true)]
        internal static unsafe partial int waitpid(int pid, int* status, int options);
    }

    /// <summary>Blocks until <paramref name="pid"/> exits and reaps it; returns the raw wait status.</summary>
    internal static int WaitForExit(int pid)
    {
        while (true)
        {
            int status = 0;
            int result;
            unsafe
            {
                // SAFETY: status is a local int.
                result = Libc.waitpid(pid, &status, 0);
            }

            if (result == pid)
            {
                return status;
            }

            int errno = LastErrno;
            if (result == -1 && errno != (int)Errno.EINTR)
            {
                ThrowSetupFailed("waitpid", errno);
            }
        }
    }
}
