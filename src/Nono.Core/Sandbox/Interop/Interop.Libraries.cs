namespace Nono.Core.Sandbox.Interop;

internal static partial class Interop
{
    /// <summary>Native library names, in one place.</summary>
    internal static class Libraries
    {
        /// <summary>glibc on every supported Linux (x64, arm64). The soname, not the dev symlink.</summary>
        public const string Libc = "libc.so.6";
    }
}
