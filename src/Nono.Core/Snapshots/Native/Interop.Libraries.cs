namespace Nono.Core.Snapshots.Native;

/// <summary>
/// Raw Linux file-system calls used by snapshots and restore. Every name is passed as a
/// NUL-terminated byte string, because Linux file names are bytes and need not be UTF-8.
/// </summary>
internal static partial class Interop
{
    internal static class Libraries
    {
        /// <summary>The one libc name (Sandbox/Interop/Interop.Libraries.cs).</summary>
        internal const string Libc = Sandbox.Interop.Interop.Libraries.Libc;
    }
}
