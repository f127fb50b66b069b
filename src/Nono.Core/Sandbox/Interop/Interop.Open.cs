using System.Runtime.InteropServices;

namespace Nono.Core.Sandbox.Interop;

internal static partial class Interop
{
    // O_CLOEXEC and O_PATH have the same value on x86_64 and arm64 (asm-generic/fcntl.h).
    public const int O_CLOEXEC = 0x80000;
    public const int O_PATH = 0x200000;

    internal static partial class Libc
    {
        // SAFETY: the path is marshalled to a NUL-terminated UTF-8 copy that lives for the call.
        [LibraryImport(Libraries.Libc, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int open(string path, int flags, int mode);
    }

    /// <summary>Opens <paramref name="path"/> as an O_PATH|O_CLOEXEC handle (links followed: paths are canonical).</summary>
    internal static SafeFdHandle OpenPath(string path)
    {
        int fd = Libc.open(path, O_PATH | O_CLOEXEC, 0);
        CheckIo(fd, "open(O_PATH)", path);
        return new SafeFdHandle(fd);
    }
}
