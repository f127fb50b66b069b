using System.Runtime.InteropServices;
using System.Text;
using Fs = Nono.Core.Snapshots.Native.Interop;

namespace Nono.Core.Sandbox.Interop;

internal static partial class Interop
{
    private const uint STATX_TYPE = 0x1;
    private const uint STATX_NLINK = 0x4;
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
    /// Opens <paramref name="name"/> (one component) in <paramref name="directory"/> as O_PATH|O_CLOEXEC|O_NOFOLLOW,
    /// plus O_DIRECTORY when <paramref name="isDirectory"/>; <paramref name="directory"/> null opens an absolute path
    /// (links followed before its last component). Null with the errno when the open fails.
    /// </summary>
    internal static unsafe SafeFdHandle? TryOpenNoFollow(SafeFdHandle? directory, ReadOnlySpan<char> name, bool isDirectory, out int errno)
    {
        // A name from a listing is at most 255 bytes; an absolute path may be longer.
        int max = Encoding.UTF8.GetMaxByteCount(name.Length) + 1;
        Span<byte> z = max <= 1024 ? stackalloc byte[max] : new byte[max];
        z[Encoding.UTF8.GetBytes(name, z)] = 0;
        int flags = O_PATH | O_CLOEXEC | Fs.O_NOFOLLOW | (isDirectory ? Fs.O_DIRECTORY : 0);
        int fd;
        fixed (byte* p = z)
        {
            // SAFETY: z is pinned and NUL-terminated for the call; the directory's descriptor is kept alive below.
            fd = Fs.Libc.openat(directory is null ? Fs.AT_FDCWD : directory.Fd, p, flags, 0);
        }

        errno = fd < 0 ? LastErrno : 0;
        GC.KeepAlive(directory);
        return fd < 0 ? null : new SafeFdHandle(fd);
    }

    /// <summary>
    /// Opens an entry found by a directory listing, by its name in its directory, without following a link.
    /// Null when it is gone or no longer of the listed kind (it changed since the listing): a link, or a directory where
    /// a non-directory was listed or the other way round. A rule on what is there now could grant something never listed.
    /// <paramref name="identity"/> is the inode opened (Landlock attaches the rule to it, whatever its name) and
    /// <paramref name="linkCount"/> its number of hard links (0 for a directory).
    /// </summary>
    internal static unsafe SafeFdHandle? TryOpenListedEntry(SafeFdHandle directory, ReadOnlySpan<char> name, bool isDirectory, out FileIdentity identity, out uint linkCount)
    {
        // A directory is checked by the open itself (O_DIRECTORY with O_NOFOLLOW fails with ENOTDIR on a link or a
        // non-directory); anything else is checked by the one statx that also reads the identity, since no open flag
        // refuses a directory.
        identity = default;
        linkCount = 0;
        SafeFdHandle? handle = TryOpenNoFollow(directory, name, isDirectory, out int errno);
        if (handle is null)
        {
            if (errno == (int)Errno.ENOENT || (isDirectory && errno == (int)Errno.ENOTDIR))
            {
                return null;
            }

            ThrowSetupFailed("openat(O_PATH|O_NOFOLLOW)", errno, name.ToString());
        }

        Fs.statx_buf buffer = StatOpened(handle, name);
        int type = buffer.stx_mode & S_IFMT;
        if (!isDirectory && type is S_IFLNK or S_IFDIR)
        {
            handle.Dispose();
            return null;
        }

        try
        {
            identity = ReadIdentity(buffer, name.ToString());
        }
        catch
        {
            handle.Dispose();
            throw;
        }

        linkCount = type == S_IFDIR ? 0 : buffer.stx_nlink; // a directory's count is its subdirectories, never hard links
        return handle;
    }

    /// <summary>The identity of an open descriptor.</summary>
    internal static FileIdentity IdentityOf(SafeFdHandle handle, ReadOnlySpan<char> name) => ReadIdentity(StatOpened(handle, name), name.ToString());

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

    private static unsafe Fs.statx_buf StatOpened(SafeFdHandle handle, ReadOnlySpan<char> name)
    {
        Fs.statx_buf buffer;
        if (Libc.statx(handle.Fd, "", Fs.AT_EMPTY_PATH, STATX_TYPE | STATX_INO | STATX_NLINK, &buffer) != 0)
        {
            int errno = LastErrno;
            handle.Dispose();
            ThrowSetupFailed("statx", errno, name.ToString());
        }

        GC.KeepAlive(handle);
        return buffer;
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
