namespace Nono.Core.Snapshots.Native;

/// <summary>
/// Raw Linux file-system calls used by snapshots and restore. Every name is passed as a
/// NUL-terminated byte string, because Linux file names are bytes and need not be UTF-8.
/// </summary>
internal static partial class Interop
{
    internal static class Libraries
    {
        /// <summary>
        /// The soname: a bare "libc" made the first call of every process try "libc.so" (the linker script of the dev
        /// package, or nothing), then "liblibc.so" and "libc" in every library directory before it resolved.
        /// </summary>
        internal const string Libc = "libc.so.6";
    }
}
