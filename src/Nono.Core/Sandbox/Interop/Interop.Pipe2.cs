using System.Runtime.InteropServices;

namespace Nono.Core.Sandbox.Interop;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // SAFETY: fds points at two ints on the caller's stack, alive for the call.
        [LibraryImport(Libraries.Libc, EntryPoint = "pipe2", SetLastError = true)]
        internal static unsafe partial int pipe2(int* fds, int flags);
    }

    /// <summary>A CLOEXEC pipe: (read end, write end).</summary>
    internal static (SafeFdHandle Read, SafeFdHandle Write) Pipe()
    {
        int r, w;
        unsafe
        {
            int* fds = stackalloc int[2];
            // SAFETY: fds is a two-int stack buffer, as pipe2 requires.
            CheckIo(Libc.pipe2(fds, O_CLOEXEC), "pipe2");
            r = fds[0];
            w = fds[1];
        }

        return (new SafeFdHandle(r), new SafeFdHandle(w));
    }
}
