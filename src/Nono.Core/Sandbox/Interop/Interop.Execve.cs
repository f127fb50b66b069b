using System.Runtime.InteropServices;

namespace Nono.Core.Sandbox.Interop;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // SAFETY: path, argv and envp must be NUL-terminated and NULL-terminated arrays in memory that stays
        // valid for the call (on success the call never returns).
        [LibraryImport(Libraries.Libc, EntryPoint = "execve", SetLastError = true)]
        internal static unsafe partial int execve(byte* path, byte** argv, byte** envp);
    }
}
