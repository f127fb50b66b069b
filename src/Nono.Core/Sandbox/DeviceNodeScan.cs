using System.Runtime.InteropServices;
using System.Text;
using Fs = Nono.Core.Snapshots.Native.Interop;

namespace Nono.Core.Sandbox;

/// <summary>
/// Looks for a character or block device node in a directory tree: one readdir pass per directory, typed from the
/// listing (one statx only where the file system reports no type), symbolic links not followed, mounts crossed (as
/// Landlock rules are). Fail secure: a directory it cannot list, or a tree larger than its budget, counts as found.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class DeviceNodeScan
{
    private const byte DT_CHR = 2;
    private const byte DT_BLK = 6;
    private const uint StatxType = 0x1;
    private const uint StatxUid = 0x8;

    /// <summary>Entries read before giving up (and reporting the tree as unchecked).</summary>
    internal const int Budget = 200_000;

    /// <summary>Why <paramref name="root"/> may hold a device node (its path, or why it could not be checked), or null.</summary>
    public static string? Find(string root)
    {
        int budget = Budget;
        // The root is followed as Landlock follows a rule's path; links below it are not (Landlock checks their targets).
        return Walk(Fs.AT_FDCWD, Encoding.UTF8.GetBytes(root), root, 0, ref budget);
    }

    private static unsafe string? Walk(int parent, byte[] name, string path, int noFollow, ref int budget)
    {
        int fd;
        bool searchable = false;
        bool owned = false;
        int errno = 0;
        fixed (byte* p = NulTerminated(name))
        {
            // SAFETY: p is a NUL-terminated copy of the name, pinned for both calls.
            fd = Fs.Libc.openat(parent, p, Fs.O_RDONLY | Fs.O_DIRECTORY | noFollow | Fs.O_CLOEXEC, 0);
            if (fd < 0)
            {
                errno = Interop.Interop.LastErrno;
                searchable = Interop.Interop.Libc.faccessat(parent, p, Interop.Interop.X_OK, 0) == 0;
                owned = IsOwnedByUser(parent, p);
            }
        }

        if (fd < 0)
        {
            // Gone or replaced by a link since it was listed, or closed to this user (and so to the sandbox, which runs
            // as the same user) and not its own: nothing reachable below it. Searchable but unlistable: names inside
            // could be opened. Its own: the command could chmod it open again (Landlock has no right for chmod).
            return errno is (int)Interop.Interop.Errno.ENOENT or (int)Interop.Interop.Errno.ELOOP or (int)Interop.Interop.Errno.ENOTDIR
                || (errno == (int)Interop.Interop.Errno.EACCES && !searchable && !owned)
                ? null
                : $"{path} (cannot list it: {Marshal.GetPInvokeErrorMessage(errno)})";
        }

        nint dir = Interop.Interop.Libc.fdopendir(fd);
        if (dir == 0)
        {
            _ = Fs.Libc.close(fd);
            return $"{path} (cannot list it)";
        }

        List<byte[]> subdirectories = [];
        try
        {
            while (true)
            {
                byte* entry = (byte*)Interop.Interop.Libc.readdir(dir);
                if (entry is null)
                {
                    int readError = Interop.Interop.LastErrno;
                    if (readError != 0)
                    {
                        return $"{path} (cannot list it: {Marshal.GetPInvokeErrorMessage(readError)})";
                    }

                    break;
                }

                if (--budget < 0)
                {
                    return $"{path} (more than {Budget} entries, not checked)";
                }

                // SAFETY: readdir returned a dirent valid until the next readdir; d_name is NUL-terminated.
                byte* namePointer = entry + Interop.Interop.DirentNameOffset;
                ReadOnlySpan<byte> entryName = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(namePointer);
                if (entryName.SequenceEqual("."u8) || entryName.SequenceEqual(".."u8))
                {
                    continue;
                }

                uint kind = TypeOf(entry[Interop.Interop.DirentTypeOffset], fd, namePointer);
                if (kind is Fs.S_IFCHR or Fs.S_IFBLK)
                {
                    return $"{path.TrimEnd('/')}/{Encoding.UTF8.GetString(entryName)}";
                }

                if (kind == Fs.S_IFDIR)
                {
                    subdirectories.Add(entryName.ToArray());
                }
            }

            foreach (byte[] sub in subdirectories)
            {
                if (Walk(fd, sub, $"{path.TrimEnd('/')}/{Encoding.UTF8.GetString(sub)}", Fs.O_NOFOLLOW, ref budget) is string found)
                {
                    return found;
                }
            }

            return null;
        }
        finally
        {
            _ = Interop.Interop.Libc.closedir(dir);
        }
    }

    /// <summary>The S_IFMT type of an entry: from d_type, or one statx (not following links) where it is DT_UNKNOWN.</summary>
    private static unsafe uint TypeOf(byte type, int dirFd, byte* name)
    {
        switch (type)
        {
            case DT_CHR:
                return Fs.S_IFCHR;
            case DT_BLK:
                return Fs.S_IFBLK;
            case Interop.Interop.DT_DIR:
                return Fs.S_IFDIR;
            case not Interop.Interop.DT_UNKNOWN:
                return 0;
        }

        Fs.statx_buf buffer;
        // SAFETY: name is the dirent's NUL-terminated name, valid until the next readdir; buffer is a stack struct statx.
        if (Fs.Libc.statx(dirFd, name, Fs.AT_SYMLINK_NOFOLLOW, StatxType, &buffer) != 0)
        {
            return 0; // removed since readdir
        }

        return buffer.stx_mode & Fs.S_IFMT;
    }

    /// <summary>True when the entry (not followed) belongs to this process's user, who may change its mode.</summary>
    private static unsafe bool IsOwnedByUser(int dirFd, byte* name)
    {
        Fs.statx_buf buffer;
        // SAFETY: name is a pinned NUL-terminated name; buffer is a stack struct statx.
        return Fs.Libc.statx(dirFd, name, Fs.AT_SYMLINK_NOFOLLOW, StatxUid, &buffer) == 0 && buffer.stx_uid == Interop.Interop.GetUid();
    }

    /// <summary>True when <paramref name="path"/> (followed, as Landlock follows a rule's path) is a device node.</summary>
    public static unsafe bool IsDevice(string path)
    {
        Fs.statx_buf buffer;
        fixed (byte* p = NulTerminated(Encoding.UTF8.GetBytes(path)))
        {
            // SAFETY: p is a NUL-terminated copy of the path, pinned for the call; buffer is a stack struct statx.
            if (Fs.Libc.statx(Fs.AT_FDCWD, p, 0, StatxType, &buffer) != 0)
            {
                return false; // a missing grant is reported by the planner's validation
            }
        }

        return (buffer.stx_mode & Fs.S_IFMT) is Fs.S_IFCHR or Fs.S_IFBLK;
    }

    /// <summary>
    /// True when <paramref name="path"/> itself (not followed) is a device node that is the root of a mount: a device
    /// file bind-mounted into /dev, as rootless container runtimes provide /dev/null and the like.
    /// </summary>
    public static unsafe bool IsDeviceMountRoot(string path)
    {
        const ulong STATX_ATTR_MOUNT_ROOT = 0x2000;
        Fs.statx_buf buffer;
        fixed (byte* p = NulTerminated(Encoding.UTF8.GetBytes(path)))
        {
            // SAFETY: p is a NUL-terminated copy of the path, pinned for the call; buffer is a stack struct statx.
            if (Fs.Libc.statx(Fs.AT_FDCWD, p, Fs.AT_SYMLINK_NOFOLLOW, StatxType, &buffer) != 0)
            {
                return false;
            }
        }

        return (buffer.stx_mode & Fs.S_IFMT) is Fs.S_IFCHR or Fs.S_IFBLK
            && (buffer.stx_attributes_mask & buffer.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0;
    }

    private static byte[] NulTerminated(byte[] name)
    {
        byte[] z = new byte[name.Length + 1];
        name.CopyTo(z, 0);
        return z;
    }
}
