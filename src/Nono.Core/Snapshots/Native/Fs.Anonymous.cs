namespace Nono.Core.Snapshots.Native;

internal static partial class Fs
{
    private static int s_anonymousState; // 0: untried, 1: works, 2: not supported here (the caller uses a temp name instead)
    private static int s_emptyPathState; // 0: untried, 1: linkat(AT_EMPTY_PATH) works, 2: needs the /proc/self/fd path

    /// <summary>
    /// An unnamed regular file in <paramref name="dir"/> (O_TMPFILE), or null when the file system or kernel has none:
    /// nothing can see or open it until <see cref="TryLinkAnonymous"/> names it, and it vanishes with the process.
    /// </summary>
    public static SafeFd? TryOpenAnonymous(SafeFd dir, uint mode)
    {
        if (Volatile.Read(ref s_anonymousState) == 2)
        {
            return null;
        }

        SafeFd? fd = TryOpenAt(dir, ".", Interop.O_TMPFILE | Interop.O_WRONLY, mode, out int errno);
        if (fd is null && errno is (int)Interop.Errno.EOPNOTSUPP or (int)Interop.Errno.EISDIR or (int)Interop.Errno.EINVAL)
        {
            Volatile.Write(ref s_anonymousState, 2);
        }

        return fd;
    }

    /// <summary>
    /// Gives the unnamed file <paramref name="file"/> the name <paramref name="name"/> in <paramref name="dir"/>; linkat
    /// never follows or replaces the new name (EEXIST when anything is there). Returns the errno. AT_EMPTY_PATH needs
    /// CAP_DAC_READ_SEARCH on older kernels; without it the file is linked through its /proc/self/fd entry.
    /// </summary>
    public static unsafe int TryLinkAnonymous(SafeFd file, SafeFd dir, string name)
    {
        byte[] z = RawName.ToZ(name);
        fixed (byte* p = z)
        {
            int rc;
            if (Volatile.Read(ref s_emptyPathState) != 2)
            {
                byte empty = 0;
                // SAFETY: p is pinned and NUL-terminated; &empty is the empty path AT_EMPTY_PATH takes.
                rc = Interop.Libc.linkat(file.Fd, &empty, dir.Fd, p, Interop.AT_EMPTY_PATH);
                int errno = rc == 0 ? 0 : LastErrno;
                if (errno != (int)Interop.Errno.ENOENT || Volatile.Read(ref s_emptyPathState) == 1)
                {
                    Volatile.Write(ref s_emptyPathState, 1);
                    GC.KeepAlive(file);
                    GC.KeepAlive(dir);
                    return errno;
                }

                Volatile.Write(ref s_emptyPathState, 2); // ENOENT on first use: no CAP_DAC_READ_SEARCH
            }

            byte[] proc = RawName.ToZ("/proc/self/fd/" + file.Fd.ToString(System.Globalization.CultureInfo.InvariantCulture));
            fixed (byte* q = proc)
            {
                // SAFETY: both paths pinned and NUL-terminated; the /proc entry is our own descriptor's magic link.
                rc = Interop.Libc.linkat(Interop.AT_FDCWD, q, dir.Fd, p, Interop.AT_SYMLINK_FOLLOW);
            }

            GC.KeepAlive(file);
            GC.KeepAlive(dir);
            return rc == 0 ? 0 : LastErrno;
        }
    }
}
