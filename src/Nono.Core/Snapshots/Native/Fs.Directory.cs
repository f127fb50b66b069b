using System.Buffers;
using System.Buffers.Binary;

namespace Nono.Core.Snapshots.Native;

internal static partial class Fs
{
    /// <summary>All names in an open directory (without . and ..), as raw strings, via getdents64.</summary>
    /// <summary>The names in <paramref name="dir"/>; stops after <paramref name="limit"/> + 1 (so a caller can see it was exceeded).</summary>
    /// <param name="dir">The open directory.</param>
    /// <param name="limit">Names wanted at most.</param>
    /// <param name="types">When given, receives each name's d_type (DT_LNK, DT_DIR, ...; DT_UNKNOWN where the filesystem does not say), in order.</param>
    public static unsafe List<string> ReadDirectory(SafeFd dir, int limit = int.MaxValue, List<byte>? types = null)
    {
        List<string> names = [];
        byte[] buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            while (true)
            {
                nint n;
                fixed (byte* b = buffer)
                {
                    // SAFETY: buffer is pinned and its full length is passed; the kernel fills whole dirent64 records.
                    n = Interop.Libc.syscall_getdents64(Interop.SYS_getdents64, dir.Fd, b, (nuint)buffer.Length);
                }

                GC.KeepAlive(dir);
                if (n < 0)
                {
                    throw Error("getdents64", dir.ProcPath, LastErrno);
                }

                if (n == 0)
                {
                    return names;
                }

                int offset = 0;
                while (offset < n)
                {
                    // struct linux_dirent64 { u64 d_ino; s64 d_off; u16 d_reclen; u8 d_type; char d_name[]; }
                    ushort reclen = BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(offset + 16));
                    ReadOnlySpan<byte> nameBytes = buffer.AsSpan(offset + 19, reclen - 19);
                    int nul = nameBytes.IndexOf((byte)0);
                    nameBytes = nul >= 0 ? nameBytes[..nul] : nameBytes;
                    if (!(nameBytes.SequenceEqual("."u8) || nameBytes.SequenceEqual(".."u8)))
                    {
                        names.Add(RawName.FromBytes(nameBytes));
                        types?.Add(buffer[offset + 18]);
                        if (names.Count > limit)
                        {
                            return names;
                        }
                    }

                    offset += reclen;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public static unsafe int TryMkdirAt(SafeFd dir, string name, uint mode)
    {
        byte[] z = RawName.ToZ(name);
        fixed (byte* p = z)
        {
            // SAFETY: z is pinned and NUL-terminated.
            int rc = Interop.Libc.mkdirat(dir.Fd, p, mode);
            GC.KeepAlive(dir);
            return rc == 0 ? 0 : LastErrno;
        }
    }

    public static unsafe int TryUnlinkAt(SafeFd dir, string name, bool directory)
    {
        byte[] z = RawName.ToZ(name);
        fixed (byte* p = z)
        {
            // SAFETY: z is pinned and NUL-terminated. unlinkat never follows a symlink in the last component.
            int rc = Interop.Libc.unlinkat(dir.Fd, p, directory ? Interop.AT_REMOVEDIR : 0);
            GC.KeepAlive(dir);
            return rc == 0 ? 0 : LastErrno;
        }
    }

    public static unsafe void RenameAt(SafeFd fromDir, string fromName, SafeFd toDir, string toName)
    {
        int errno = TryRenameAt(fromDir, fromName, toDir, toName);
        if (errno != 0)
        {
            throw Error("renameat", RawName.ToDisplay(toName), errno);
        }
    }

    public static unsafe int TryRenameAt(SafeFd fromDir, string fromName, SafeFd toDir, string toName)
    {
        byte[] a = RawName.ToZ(fromName);
        byte[] b = RawName.ToZ(toName);
        fixed (byte* pa = a)
        fixed (byte* pb = b)
        {
            // SAFETY: both names are pinned and NUL-terminated; rename replaces the last component and never follows it.
            int rc = Interop.Libc.renameat(fromDir.Fd, pa, toDir.Fd, pb);
            GC.KeepAlive(fromDir);
            GC.KeepAlive(toDir);
            return rc == 0 ? 0 : LastErrno;
        }
    }

    public static unsafe void SymlinkAt(string target, SafeFd dir, string name)
    {
        byte[] t = RawName.ToZ(target);
        byte[] z = RawName.ToZ(name);
        fixed (byte* pt = t)
        fixed (byte* p = z)
        {
            // SAFETY: both buffers pinned and NUL-terminated; symlinkat fails with EEXIST rather than following.
            if (Interop.Libc.symlinkat(pt, dir.Fd, p) != 0)
            {
                throw Error("symlinkat", RawName.ToDisplay(name), LastErrno);
            }

            GC.KeepAlive(dir);
        }
    }

    /// <summary>
    /// Removes one entry of <paramref name="dir"/> without following symlinks: a directory is
    /// emptied recursively through descriptors opened with O_NOFOLLOW, anything else is unlinked
    /// (a FIFO or device is never opened). A missing entry is not an error.
    /// </summary>
    public static void RemoveTree(SafeFd dir, string name) => RemoveTree(dir, name, "", 0);

    // under: the raw path of dir relative to the directory the removal started in ("" there); errors name the entry by it.
    private static void RemoveTree(SafeFd dir, string name, string under, int depth)
    {
        string Shown() => RawName.ToDisplay(RawName.Join(under, name));

        if (depth > 1024)
        {
            throw new Diagnostics.NonoException(Diagnostics.NonoErrorCode.Io, $"{Shown()} is nested deeper than 1024 directories; remove it by hand and run the restore again", Shown());
        }

        int errno = TryUnlinkAt(dir, name, directory: false);
        if (errno is 0 or (int)Interop.Errno.ENOENT)
        {
            return;
        }

        if (errno is not ((int)Interop.Errno.EISDIR or (int)Interop.Errno.EPERM))
        {
            throw Error("unlinkat", Shown(), errno);
        }

        using (SafeFd? child = TryOpenAt(dir, name, Interop.O_RDONLY | Interop.O_DIRECTORY | Interop.O_NOFOLLOW, 0, out int openErrno))
        {
            if (child is null)
            {
                throw Error("openat", Shown(), openErrno);
            }

            string path = RawName.Join(under, name);
            foreach (string entry in ReadDirectory(child))
            {
                RemoveTree(child, entry, path, depth + 1);
            }
        }

        errno = TryUnlinkAt(dir, name, directory: true);
        if (errno is not (0 or (int)Interop.Errno.ENOENT))
        {
            throw Error("unlinkat", Shown(), errno);
        }
    }
}
