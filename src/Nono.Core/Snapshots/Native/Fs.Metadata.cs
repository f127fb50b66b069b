using System.Runtime.InteropServices;

namespace Nono.Core.Snapshots.Native;

internal static partial class Fs
{
    /// <summary>lstat-like statx of one raw name in <paramref name="dir"/> (AT_SYMLINK_NOFOLLOW).</summary>
    public static unsafe bool TryStatAt(SafeFd dir, string name, out FileStatus status, out int errno)
    {
        // A name from getdents is at most 255 bytes: no array per statx.
        Span<byte> z = name.Length < 256 ? stackalloc byte[256] : new byte[name.Length + 1];
        RawName.WriteZ(name, z);
        Interop.statx_buf buf;
        fixed (byte* p = z)
        {
            // SAFETY: z is pinned and NUL-terminated; buf is a 256-byte stack struct matching struct statx.
            int rc = Interop.Libc.statx(dir.Fd, p, Interop.AT_SYMLINK_NOFOLLOW | (name.Length == 0 ? Interop.AT_EMPTY_PATH : 0), Interop.STATX_BASIC_STATS, &buf);
            GC.KeepAlive(dir);
            if (rc != 0)
            {
                errno = LastErrno;
                status = default;
                return false;
            }
        }

        errno = 0;
        status = new FileStatus(
            buf.stx_mode,
            ((ulong)buf.stx_dev_major << 32) | buf.stx_dev_minor,
            buf.stx_ino,
            (long)buf.stx_size,
            (buf.stx_mtime_sec * 1_000_000_000L) + buf.stx_mtime_nsec,
            (buf.stx_ctime_sec * 1_000_000_000L) + buf.stx_ctime_nsec)
        {
            LinkCount = buf.stx_nlink,
            Uid = buf.stx_uid,
            Gid = buf.stx_gid,
        };
        return true;
    }

    /// <summary>fstat of an open descriptor.</summary>
    public static FileStatus Stat(SafeFd fd) =>
        TryStatAt(fd, "", out FileStatus status, out int errno) ? status : throw Error("statx", fd.ProcPath, errno);

    /// <summary>Reads a symlink's target as raw bytes.</summary>
    public static unsafe string ReadLinkAt(SafeFd dir, string name)
    {
        byte[] z = RawName.ToZ(name);
        byte[] buffer = new byte[4096];
        fixed (byte* p = z)
        fixed (byte* b = buffer)
        {
            // SAFETY: both buffers are pinned; the kernel writes at most buffer.Length bytes and no NUL.
            nint n = Interop.Libc.readlinkat(dir.Fd, p, b, (nuint)buffer.Length);
            GC.KeepAlive(dir);
            return n >= 0 ? RawName.FromBytes(buffer.AsSpan(0, (int)n)) : throw Error("readlinkat", RawName.ToDisplay(name), LastErrno);
        }
    }

    /// <summary>The empty path AT_EMPTY_PATH takes (native and static, so it never moves).</summary>
    private static readonly unsafe byte* s_empty = (byte*)NativeMemory.AllocZeroed(1);

    [ThreadStatic]
    private static int t_procErrno;

    /// <summary>
    /// After a call through /proc/self/fd failed: the descriptor to retry the same call on with AT_EMPTY_PATH when /proc
    /// is missing or masked (ENOENT), else -1, so the retry fails with EBADF and <see cref="Failed"/> reports the
    /// original errno. The retry changes the inode the descriptor holds, as the /proc link does; fchmodat2 needs Linux
    /// 6.6 and utimensat's AT_EMPTY_PATH 5.8, older kernels report the retry's error.
    /// </summary>
    private static int ProcMissing(SafeFd fd)
    {
        t_procErrno = LastErrno;
        return t_procErrno == (int)Interop.Errno.ENOENT ? fd.Fd : -1;
    }

    /// <summary>Whether the retry failed; its errno if /proc was missing (the retry was real), else the /proc call's.</summary>
    private static bool Failed(int retry, out int errno)
    {
        errno = retry == 0 ? 0 : t_procErrno == (int)Interop.Errno.ENOENT ? LastErrno : t_procErrno;
        return retry != 0;
    }

    /// <summary>Sets permission bits and modification time on an O_PATH (or any) descriptor through its procfs link.</summary>
    public static unsafe void SetModeAndTime(SafeFd fd, uint mode, long? mtimeNs)
    {
        byte[] z = RawName.ToZ(fd.ProcPath);
        fixed (byte* p = z)
        {
            // SAFETY: z is pinned; /proc/self/fd/N resolves to the very inode fd refers to, so no path race.
            // SAFETY (fallback): s_empty is a static NUL byte, the empty path AT_EMPTY_PATH takes.
            if (Interop.Libc.fchmodat(Interop.AT_FDCWD, p, mode, 0) != 0
                && Failed(Interop.Libc.syscall_fchmodat2(Interop.SYS_fchmodat2, ProcMissing(fd), s_empty, mode, Interop.AT_EMPTY_PATH), out int chmodErrno))
            {
                throw Error("fchmodat", fd.ProcPath, chmodErrno);
            }

            if (mtimeNs is long ns)
            {
                Interop.timespec* times = stackalloc Interop.timespec[2];
                times[0] = new Interop.timespec { tv_sec = 0, tv_nsec = (1L << 30) - 2 }; // UTIME_OMIT for atime
                times[1] = new Interop.timespec { tv_sec = Math.DivRem(ns, 1_000_000_000L, out long rem), tv_nsec = rem };
                if (rem < 0)
                {
                    times[1] = new Interop.timespec { tv_sec = times[1].tv_sec - 1, tv_nsec = rem + 1_000_000_000L };
                }

                // SAFETY: times points at two stack timespecs, as utimensat requires.
                if (Interop.Libc.utimensat(Interop.AT_FDCWD, p, times, 0) != 0
                    && Failed(Interop.Libc.utimensat(ProcMissing(fd), s_empty, times, Interop.AT_EMPTY_PATH), out int timeErrno))
                {
                    throw Error("utimensat", fd.ProcPath, timeErrno);
                }
            }

            GC.KeepAlive(fd);
        }
    }

    /// <summary>Takes a shared or exclusive advisory lock on the descriptor, blocking until granted.</summary>
    public static void Flock(SafeFd fd, bool exclusive)
    {
        while (Interop.Libc.flock(fd.Fd, exclusive ? Interop.LOCK_EX : Interop.LOCK_SH) != 0)
        {
            int errno = LastErrno;
            if (errno != (int)Interop.Errno.EINTR)
            {
                throw Error("flock", fd.ProcPath, errno);
            }
        }
    }

    /// <summary>
    /// Opens (creating) <c>directory/.lock</c> and flocks it. Created through openat, not FileStream,
    /// because .NET's FileStream takes flock locks of its own that would conflict with ours.
    /// </summary>
    public static SafeFd LockFile(string directory, bool exclusive)
    {
        using SafeFd dir = OpenDirectory(directory);
        SafeFd fd = OpenAt(dir, ".lock", Interop.O_RDONLY | Interop.O_CREAT | Interop.O_NOFOLLOW, 0x180);
        Flock(fd, exclusive);
        return fd;
    }

    /// <summary>Flushes the whole file system holding <paramref name="fd"/>: one call instead of an fsync per object.</summary>
    public static void SyncFileSystem(SafeFd fd)
    {
        if (Interop.Libc.syncfs(fd.Fd) != 0)
        {
            throw Error("syncfs", fd.ProcPath, LastErrno);
        }
    }

    /// <summary>
    /// Starts write-back of a file's dirty pages now (sync_file_range SYNC_FILE_RANGE_WRITE) so that a
    /// later syncfs finds less to write. Only a hint: it waits for nothing and guarantees nothing, so
    /// its result is ignored; durability still comes from syncfs, which reports write-back errors of
    /// the whole file system (Linux 5.8+) whether or not this call saw them.
    /// </summary>
    public static void StartWriteback(SafeHandle fd)
    {
        // SAFETY: plain integer arguments; fd stays open for the call because the caller holds the handle (kept alive below).
        _ = Interop.Libc.sync_file_range((int)fd.DangerousGetHandle(), 0, 0, Interop.SYNC_FILE_RANGE_WRITE);
        GC.KeepAlive(fd);
    }

    /// <summary>realpath(3): absolute path with every symlink resolved, or null when it does not exist.</summary>
    public static unsafe string? RealPath(string path)
    {
        byte[] z = RawName.ToZ(RawName.FromString(path));
        byte[] resolved = new byte[4097];
        fixed (byte* p = z)
        fixed (byte* r = resolved)
        {
            // SAFETY: resolved has PATH_MAX + 1 bytes, as realpath requires of a caller-supplied buffer.
            if (Interop.Libc.realpath(p, r) == null)
            {
                return null;
            }
        }

        int nul = Array.IndexOf(resolved, (byte)0);
        return System.Text.Encoding.UTF8.GetString(resolved, 0, nul);
    }

    /// <summary>Changes owner through the descriptor's procfs link (only meaningful as root).</summary>
    public static unsafe void SetOwner(SafeFd fd, uint uid, uint gid)
    {
        byte[] z = RawName.ToZ(fd.ProcPath);
        fixed (byte* p = z)
        {
            // SAFETY: z is pinned; /proc/self/fd/N names exactly the inode fd refers to.
            if (Interop.Libc.fchownat(Interop.AT_FDCWD, p, uid, gid, 0) != 0
                && Failed(Interop.Libc.fchownat(ProcMissing(fd), s_empty, uid, gid, Interop.AT_EMPTY_PATH), out int chownErrno))
            {
                throw Error("fchownat", fd.ProcPath, chownErrno);
            }

            GC.KeepAlive(fd);
        }
    }

    /// <summary>True when this process runs with effective uid 0 and may restore ownership.</summary>
    /// <summary>Whether nono runs as root (read once: nono never changes its ids).</summary>
    public static bool IsRoot { get; } = Interop.Libc.geteuid() == 0;

    /// <summary>The group a new file gets outside set-group-id directories.</summary>
    public static uint EffectiveGid { get; } = Interop.Libc.getegid();
}
