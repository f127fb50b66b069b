using System.Runtime.InteropServices;

namespace Nono.Core.Sandbox.Interop;

internal static partial class Interop
{
    private const int AT_EMPTY_PATH = 0x1000;
    private const uint STATX_TYPE = 0x1;
    private const int StatxModeOffset = 28; // struct statx: u32 mask, u32 blksize, u64 attributes, u32 nlink, u32 uid, u32 gid, u16 mode
    private const int S_IFMT = 0xF000;
    private const int S_IFDIR = 0x4000;
    private const int S_IFLNK = 0xA000;

    // O_NOFOLLOW and O_DIRECTORY differ by architecture: 0400000 and 0200000 on x86-64, 0100000 and 040000 on arm64.
    private static readonly int s_noFollow = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 0x8000 : 0x20000;
    private static readonly int s_directory = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 0x4000 : 0x10000;

    internal static partial class Libc
    {
        // SAFETY: the path is marshalled to a NUL-terminated UTF-8 copy for the call; buffer points at 256 writable bytes
        // (sizeof(struct statx)) owned by the caller for the call.
        [LibraryImport(Libraries.Libc, EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static unsafe partial int statx(int dirfd, string path, int flags, uint mask, byte* buffer);
    }

    /// <summary>
    /// Opens an entry found by a directory listing as O_PATH|O_CLOEXEC without following a link in its last component.
    /// Null when it is gone or no longer of the listed kind (it changed since the listing): a link, or a directory where
    /// a non-directory was listed or the other way round. A rule on what is there now could grant something never listed.
    /// </summary>
    internal static unsafe SafeFdHandle? TryOpenListedEntry(string path, bool isDirectory)
    {
        // A directory is checked by the open itself (O_DIRECTORY with O_NOFOLLOW fails with ENOTDIR on a link or a
        // non-directory); anything else needs one statx, since no open flag refuses a directory.
        int fd = Libc.open(path, O_PATH | O_CLOEXEC | s_noFollow | (isDirectory ? s_directory : 0), 0);
        if (fd < 0)
        {
            int errno = LastErrno;
            if (errno == (int)Errno.ENOENT || (isDirectory && errno == (int)Errno.ENOTDIR))
            {
                return null;
            }

            ThrowSetupFailed("open(O_PATH|O_NOFOLLOW)", errno, path);
        }

        SafeFdHandle handle = new(fd);
        if (isDirectory)
        {
            return handle;
        }

        byte* buffer = stackalloc byte[256];
        if (Libc.statx(fd, "", AT_EMPTY_PATH, STATX_TYPE, buffer) != 0)
        {
            int errno = LastErrno;
            handle.Dispose();
            ThrowSetupFailed("statx", errno, path);
        }

        int type = *(ushort*)(buffer + StatxModeOffset) & S_IFMT;
        if (type is S_IFLNK or S_IFDIR)
        {
            handle.Dispose();
            return null;
        }

        return handle;
    }
}
