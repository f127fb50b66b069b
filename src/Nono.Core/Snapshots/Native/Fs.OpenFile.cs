using Microsoft.Win32.SafeHandles;

namespace Nono.Core.Snapshots.Native;

internal static partial class Fs
{
    /// <summary>
    /// Sets owner (when <paramref name="chown"/>), then mode, then mtime on a descriptor opened for
    /// writing: fchown/fchmod/futimens act on the inode itself, with no path and no procfs lookup.
    /// chown comes first because it clears set-id bits. <paramref name="chmod"/> false skips fchmod
    /// when the file was created with exactly this mode.
    /// </summary>
    public static unsafe void SetMetadata(SafeFileHandle fd, bool chown, uint uid, uint gid, uint mode, long mtimeNs, bool chmod = true)
    {
        int raw = (int)fd.DangerousGetHandle();
        if (chown && Interop.Libc.fchown(raw, uid, gid) != 0)
        {
            throw Error("fchown", null, LastErrno);
        }

        if (chmod && Interop.Libc.fchmod(raw, mode) != 0)
        {
            throw Error("fchmod", null, LastErrno);
        }

        Interop.timespec* times = stackalloc Interop.timespec[2];
        times[0] = new Interop.timespec { tv_sec = 0, tv_nsec = (1L << 30) - 2 }; // UTIME_OMIT for atime
        long seconds = Math.DivRem(mtimeNs, 1_000_000_000L, out long rem);
        times[1] = rem < 0 ? new Interop.timespec { tv_sec = seconds - 1, tv_nsec = rem + 1_000_000_000L } : new Interop.timespec { tv_sec = seconds, tv_nsec = rem };

        // SAFETY: times points at two stack timespecs, as futimens requires; fd is kept alive by the caller's handle.
        if (Interop.Libc.futimens(raw, times) != 0)
        {
            throw Error("futimens", null, LastErrno);
        }

        GC.KeepAlive(fd);
    }

    /// <summary>The process umask, read from /proc/self/status (umask(2) cannot be read without changing it); all bits set when unknown.</summary>
    public static uint Umask { get; } = ReadUmask();

    private static uint ReadUmask()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("Umask:", StringComparison.Ordinal))
                {
                    return Convert.ToUInt32(line["Umask:".Length..].Trim(), 8);
                }
            }
        }
        catch (IOException)
        {
        }

        return 0xFFF;
    }

    /// <summary>
    /// Writes all of <paramref name="bytes"/> at offset 0 with pwrite. Unlike RandomAccess.Write on a
    /// borrowed handle it costs no lseek to learn whether the descriptor is seekable.
    /// </summary>
    public static unsafe void WriteAll(SafeFd fd, ReadOnlySpan<byte> bytes)
    {
        fixed (byte* p = bytes)
        {
            long done = 0;
            while (done < bytes.Length)
            {
                // SAFETY: p is pinned for the fixed block and done < bytes.Length keeps the range inside it.
                nint n = Interop.Libc.pwrite(fd.Fd, p + done, (nint)(bytes.Length - done), done);
                if (n == 0 || (n < 0 && LastErrno != (int)Interop.Errno.EINTR))
                {
                    throw Error("pwrite", null, n == 0 ? (int)Interop.Errno.ENOSPC : LastErrno); // a regular file never takes 0 bytes of a non-empty write
                }

                done += Math.Max(n, 0);
            }

            GC.KeepAlive(fd);
        }
    }

    /// <summary>Wraps a descriptor for RandomAccess/FileStream without transferring ownership.</summary>
    public static SafeFileHandle Borrow(SafeFd fd) => new(fd.DangerousGetHandle(), ownsHandle: false);
}
