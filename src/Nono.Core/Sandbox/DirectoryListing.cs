using System.Runtime.InteropServices;
using System.Text;
using Nono.Core.Sandbox.Interop;
using Fs = Nono.Core.Snapshots.Native.Interop;

namespace Nono.Core.Sandbox;

/// <summary>
/// One entry of a <see cref="DirectoryListing"/>: its full path, whether it is a directory, and for a non-directory
/// with more than one hard link its identity (it could be another name of a denied file).
/// </summary>
internal readonly record struct ListedEntry(string FullName, bool IsDirectory, FileIdentity? MultiplyLinked = null);

/// <summary>
/// The entries of an open directory except symbolic links (and . and ..): one readdir pass, directories typed from
/// the listing itself, one statx (relative to the directory, not following links) for each other entry for its type
/// and link count, and one string per entry (its full path).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class DirectoryListing
{
    private const uint StatxType = 0x1;
    private const uint StatxNlink = 0x4;
    private const uint StatxIno = 0x100;

    public static unsafe List<ListedEntry> Read(Snapshots.Native.SafeFd directory, string path)
    {
        // readdir needs a DIR* that owns its descriptor: a second one on the same directory, given to fdopendir.
        int fd;
        fixed (byte* dot = "."u8)
        {
            // SAFETY: "."u8 is a NUL-terminated literal; the directory's descriptor is kept alive below.
            fd = Fs.Libc.openat(directory.Fd, dot, Fs.O_RDONLY | Fs.O_DIRECTORY | Fs.O_CLOEXEC, 0);
        }

        GC.KeepAlive(directory);
        if (fd < 0)
        {
            throw new IOException($"openat: {Marshal.GetPInvokeErrorMessage(Interop.Interop.LastErrno)}");
        }

        nint dir = Interop.Interop.Libc.fdopendir(fd);
        if (dir == 0)
        {
            int errno = Interop.Interop.LastErrno;
            _ = Fs.Libc.close(fd);
            throw new IOException($"fdopendir: {Marshal.GetPInvokeErrorMessage(errno)}");
        }

        List<ListedEntry> entries = [];
        try
        {
            while (true)
            {
                byte* entry = (byte*)Interop.Interop.Libc.readdir(dir);
                if (entry is null)
                {
                    int errno = Interop.Interop.LastErrno;
                    return errno == 0 ? entries : throw new IOException($"readdir: {Marshal.GetPInvokeErrorMessage(errno)}");
                }

                // SAFETY: readdir returned a dirent that stays valid until the next readdir; d_name is NUL-terminated.
                byte* namePointer = entry + Interop.Interop.DirentNameOffset;
                ReadOnlySpan<byte> name = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(namePointer);
                byte type = entry[Interop.Interop.DirentTypeOffset];
                if (name.SequenceEqual("."u8) || name.SequenceEqual(".."u8) || type == Interop.Interop.DT_LNK)
                {
                    continue;
                }

                if (type == Interop.Interop.DT_DIR)
                {
                    entries.Add(new ListedEntry(Join(path, name), true));
                    continue;
                }

                // Anything else (or a file system that reports no type) gets one statx for its type and link count.
                Fs.statx_buf buffer;
                // SAFETY: namePointer is the dirent's NUL-terminated name, valid until the next readdir; buffer is a
                // stack struct statx.
                if (Fs.Libc.statx(fd, namePointer, Fs.AT_SYMLINK_NOFOLLOW, StatxType | StatxNlink | StatxIno, &buffer) != 0)
                {
                    int errno = Interop.Interop.LastErrno;
                    if (errno == (int)Interop.Interop.Errno.ENOENT)
                    {
                        continue; // removed since readdir
                    }

                    throw new IOException($"statx {Join(path, name)}: {Marshal.GetPInvokeErrorMessage(errno)}");
                }

                uint kind = buffer.stx_mode & Fs.S_IFMT;
                if (kind != Fs.S_IFLNK)
                {
                    bool isDirectory = kind == Fs.S_IFDIR;
                    FileIdentity? linked = !isDirectory && buffer.stx_nlink > 1
                        ? new FileIdentity(((ulong)buffer.stx_dev_major << 32) | buffer.stx_dev_minor, buffer.stx_ino)
                        : null;
                    entries.Add(new ListedEntry(Join(path, name), isDirectory, linked));
                }
            }
        }
        finally
        {
            _ = Interop.Interop.Libc.closedir(dir);
        }
    }

    /// <summary><paramref name="directory"/>/<paramref name="name"/>, the name decoded as .NET decodes file names (UTF-8).</summary>
    private static string Join(string directory, ReadOnlySpan<byte> name)
    {
        Span<char> chars = name.Length <= 256 ? stackalloc char[name.Length] : new char[name.Length];
        int count = Encoding.UTF8.GetChars(name, chars);
        return string.Concat(directory.AsSpan(), directory.EndsWith('/') ? "" : "/", chars[..count]);
    }
}
