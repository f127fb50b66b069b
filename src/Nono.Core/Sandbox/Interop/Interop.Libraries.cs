namespace Nono.Core.Sandbox.Interop;

internal static partial class Interop
{
    /// <summary>Native library names, in one place.</summary>
    internal static class Libraries
    {
        /// <summary>
        /// glibc on every supported Linux (x64, arm64), for every libc import in Nono.Core. The soname: a bare "libc" made
        /// the first call of every process try "libc.so" (the linker script of the dev package, or nothing), then
        /// "liblibc.so" and "libc" in every library directory before it resolved.
        /// </summary>
        public const string Libc = "libc.so.6";
    }
}
