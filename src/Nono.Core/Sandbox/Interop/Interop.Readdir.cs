using System.Runtime.InteropServices;

namespace Nono.Core.Sandbox.Interop;

internal static partial class Interop
{
    // d_type values of struct dirent (dirent.h), identical on x86_64 and arm64.
    public const byte DT_UNKNOWN = 0;
    public const byte DT_DIR = 4;
    public const byte DT_LNK = 10;

    // struct dirent on 64-bit glibc (x86_64, arm64): u64 d_ino; s64 d_off; u16 d_reclen; u8 d_type; char d_name[256].
    public const int DirentTypeOffset = 18;
    public const int DirentNameOffset = 19;

    internal static partial class Libc
    {
        // SAFETY: takes ownership of an open directory descriptor (closed by closedir on the DIR* returned, once; left to
        // the caller when NULL is returned).
        [LibraryImport(Libraries.Libc, EntryPoint = "fdopendir", SetLastError = true)]
        internal static partial nint fdopendir(int fd);

        // SAFETY: takes a DIR* from fdopendir; the dirent returned stays valid until the next readdir or closedir on it.
        // SetLastError clears errno before the call, so NULL with errno 0 is the end of the directory.
        [LibraryImport(Libraries.Libc, EntryPoint = "readdir", SetLastError = true)]
        internal static partial nint readdir(nint dir);

        // SAFETY: takes a DIR* from fdopendir, once.
        [LibraryImport(Libraries.Libc, EntryPoint = "closedir", SetLastError = true)]
        internal static partial int closedir(nint dir);
    }
}
