namespace Nono.Core.Snapshots.Native;

internal static partial class Fs
{
    private static int s_anonymousState; // 0: in use, 2: off for this process (not supported, or the link failed; the caller uses a temp name)
    private static int s_emptyPathState; // 0: untried, 1: linkat(AT_EMPTY_PATH) works, 2: needs the /proc/self/fd path

    /// <summary>Turns unnamed files off for this process: the caller writes through a temp name and rename instead.</summary>
    public static void DisableAnonymous() => Volatile.Write(ref s_anonymousState, 2);

    /// <summary>For tests: link through /proc/self/fd as a process without CAP_DAC_READ_SEARCH does (false: decide on first use again).</summary>
    internal static void ForceProcLink(bool on) => Volatile.Write(ref s_emptyPathState, on ? 2 : 0);

    /// <summary>For tests: whether unnamed files are still in use in this process.</summary>
    internal static bool AnonymousInUse => Volatile.Read(ref s_anonymousState) != 2;

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

            }

            byte[] proc = RawName.ToZ("/proc/self/fd/" + file.Fd.ToString(System.Globalization.CultureInfo.InvariantCulture));
            fixed (byte* q = proc)
            {
                // SAFETY: both paths pinned and NUL-terminated; the /proc entry is our own descriptor's magic link.
                rc = Interop.Libc.linkat(Interop.AT_FDCWD, q, dir.Fd, p, Interop.AT_SYMLINK_FOLLOW);
            }

            int procErrno = rc == 0 ? 0 : LastErrno;
            if (procErrno is 0 or (int)Interop.Errno.EEXIST)
            {
                // ENOENT from AT_EMPTY_PATH meant no CAP_DAC_READ_SEARCH, not a parent removed meanwhile (that fails here too)
                Volatile.Write(ref s_emptyPathState, 2);
            }

            GC.KeepAlive(file);
            GC.KeepAlive(dir);
            return procErrno;
        }
    }
}
