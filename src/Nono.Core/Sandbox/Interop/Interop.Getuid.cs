using System.Runtime.InteropServices;

namespace Nono.Core.Sandbox.Interop;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // SAFETY: no arguments; getuid/getgid cannot fail.
        [LibraryImport(Libraries.Libc, EntryPoint = "getuid")]
        internal static partial uint getuid();

        // SAFETY: as getuid.
        [LibraryImport(Libraries.Libc, EntryPoint = "getgid")]
        internal static partial uint getgid();
    }

    /// <summary>The real user id (the id a user namespace maps onto itself).</summary>
    internal static uint GetUid() => Libc.getuid();

    /// <summary>The real group id.</summary>
    internal static uint GetGid() => Libc.getgid();
}
