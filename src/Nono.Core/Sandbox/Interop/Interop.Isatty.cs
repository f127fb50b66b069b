using System.Runtime.InteropServices;

namespace Nono.Core.Sandbox.Interop;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // SAFETY: takes a descriptor number only; an unopened one gives 0 (EBADF), nothing is dereferenced.
        [LibraryImport(Libraries.Libc, EntryPoint = "isatty")]
        internal static partial int isatty(int fd);
    }

    /// <summary>Whether descriptor <paramref name="fd"/> of this process is open on a terminal.</summary>
    internal static bool IsTerminal(int fd) => Libc.isatty(fd) == 1;
}
