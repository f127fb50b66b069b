using System.Runtime.InteropServices;

namespace Nono.Core.Sandbox.Interop;

internal static partial class Interop
{
    public const int X_OK = 1;

    internal static partial class Libc
    {
        // SAFETY: pathname must be a NUL-terminated string valid for the call; the kernel only reads it.
        [LibraryImport(Libraries.Libc, EntryPoint = "faccessat", SetLastError = true)]
        internal static unsafe partial int faccessat(int dirfd, byte* pathname, int mode, int flags);
    }
}
