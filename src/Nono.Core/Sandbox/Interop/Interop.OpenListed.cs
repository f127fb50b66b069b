using System.Runtime.InteropServices;
using Fs = Nono.Core.Snapshots.Native.Interop;

namespace Nono.Core.Sandbox.Interop;

internal static partial class Interop
{
    private const uint STATX_TYPE = 0x1;
    private const uint STATX_INO = 0x100;
    private const int S_IFMT = 0xF000;
    private const int S_IFDIR = 0x4000;
    private const int S_IFLNK = 0xA000;

    internal static partial class Libc
    {
        // SAFETY: the path is marshalled to a NUL-terminated UTF-8 copy for the call; buffer points at a struct statx
        // owned by the caller for the call.
        [LibraryImport(Libraries.Libc, EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static unsafe partial int statx(int dirfd, string path, int flags, uint mask, Fs.statx_buf* buffer);
    }

    /// <summary>
    /// Opens an entry found by a directory listing as O_PATH|O_CLOEXEC without following a link in its last component.
    /// Null when it is gone or no longer of the listed kind (it changed since the listing): a link, or a directory where
    /// a non-directory was listed or the other way round. A rule on what is there now could grant something never listed.
    /// <paramref name="identity"/> is the inode opened (Landlock attaches the rule to it, whatever its name).
    /// </summary>
    internal static unsafe SafeFdHandle? TryOpenListedEntry(string path, bool isDirectory, out FileIdentity identity)
    {
        // A directory is checked by the open itself (O_DIRECTORY with O_NOFOLLOW fails with ENOTDIR on a link or a
        // non-directory); anything else is checked by the one statx that also reads the identity, since no open flag
        // refuses a directory.
        identity = default;
        int fd = Libc.open(path, O_PATH | O_CLOEXEC | Fs.O_NOFOLLOW | (isDirectory ? Fs.O_DIRECTORY : 0), 0);
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
        Fs.statx_buf buffer;
        if (Libc.statx(fd, "", Fs.AT_EMPTY_PATH, STATX_TYPE | STATX_INO, &buffer) != 0)
        {
            int errno = LastErrno;
            handle.Dispose();
            ThrowSetupFailed("statx", errno, path);
        }

        int type = buffer.stx_mode & S_IFMT;
        if (!isDirectory && type is S_IFLNK or S_IFDIR)
        {
            handle.Dispose();
            return null;
        }

        identity = ReadIdentity(buffer, path);
        return handle;
    }

    /// <summary>
    /// The identity of what <paramref name="path"/> names now, following links (the inode an access through it reaches);
    /// false when it does not exist. Other failures throw: the caller cannot tell what to keep away from.
    /// </summary>
    internal static unsafe bool TryGetIdentity(string path, out FileIdentity identity)
    {
        identity = default;
        Fs.statx_buf buffer;
        if (Libc.statx(Fs.AT_FDCWD, path, 0, STATX_INO, &buffer) != 0)
        {
            int errno = LastErrno;
            if (errno is (int)Errno.ENOENT or (int)Errno.ENOTDIR)
            {
                return false;
            }

            ThrowSetupFailed("statx", errno, path);
        }

        identity = ReadIdentity(buffer, path);
        return true;
    }

    private static FileIdentity ReadIdentity(in Fs.statx_buf buffer, string path)
    {
        if ((buffer.stx_mask & STATX_INO) == 0)
        {
            ThrowSetupFailed("statx (no inode number returned)", (int)Errno.EOPNOTSUPP, path);
        }

        return new FileIdentity(((ulong)buffer.stx_dev_major << 32) | buffer.stx_dev_minor, buffer.stx_ino);
    }
}

/// <summary>An inode: device (major, minor) and inode number, as statx reports them.</summary>
internal readonly record struct FileIdentity(ulong Device, ulong Inode);
