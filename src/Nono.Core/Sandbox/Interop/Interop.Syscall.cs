using System.Runtime.InteropServices;

namespace Nono.Core.Sandbox.Interop;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // SAFETY: syscall(2) is variadic; on the supported ABIs (SysV x86-64 and AAPCS64 on Linux) integer
        // variadic arguments are passed exactly like fixed ones, so fixed-arity overloads are sound.
        // Pointer arguments must stay valid for the duration of the call; callers pin or use native memory.
        [LibraryImport(Libraries.Libc, EntryPoint = "syscall", SetLastError = true)]
        internal static partial nint syscall(nint number, nint a1, nint a2, nint a3);

        [LibraryImport(Libraries.Libc, EntryPoint = "syscall", SetLastError = true)]
        internal static partial nint syscall(nint number, nint a1, nint a2, nint a3, nint a4);
    }
}
