using System.Runtime.InteropServices;

namespace Nono.Core.Sandbox.Interop;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // SAFETY: takes a plain int; only SafeFdHandle.ReleaseHandle calls it, once per descriptor.
        [LibraryImport(Libraries.Libc, EntryPoint = "close", SetLastError = true)]
        internal static partial int close(int fd);
    }
}
