using System.Runtime.InteropServices;
using Nono.Core.Diagnostics;

namespace Nono.Core.Snapshots.Native;

/// <summary>
/// Checked wrappers over the fd-relative calls. Every name is a single raw component resolved
/// relative to a directory descriptor the caller holds, and never follows a symlink in its last
/// component; multi-component paths go through <see cref="OpenBeneath"/>.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static partial class Fs
{
    private static int s_openat2State; // 0 unknown, 1 available, 2 unavailable

    public static int LastErrno => Marshal.GetLastPInvokeError();

    public static NonoException Error(string syscall, string? path, int errno) =>
        new(NonoErrorCode.Io, $"{syscall} {path}: {Marshal.GetPInvokeErrorMessage(errno)}", path, syscall, errno);

    /// <summary>Opens an absolute directory path given by the trusted caller; its last component must not be a symlink unless <paramref name="followLast"/>.</summary>
    public static unsafe SafeFd OpenDirectory(string absolutePath, bool followLast = false)
    {
        byte[] z = RawName.ToZ(RawName.FromString(absolutePath));
        fixed (byte* p = z)
        {
            // SAFETY: z is pinned and NUL-terminated for the duration of the call.
            int fd = Interop.Libc.openat(Interop.AT_FDCWD, p, Interop.O_RDONLY | Interop.O_DIRECTORY | (followLast ? 0 : Interop.O_NOFOLLOW) | Interop.O_CLOEXEC, 0);
            return fd >= 0 ? new SafeFd(fd) : throw Error("open", absolutePath, LastErrno);
        }
    }

    /// <summary>
    /// "/" as an O_PATH handle to resolve absolute paths beneath: unlike a read open it needs no read right on "/"
    /// itself, which a sandbox that carves "/" (a nested run) does not have.
    /// </summary>
    public static unsafe SafeFd OpenRootForLookup()
    {
        byte[] z = RawName.ToZ("/");
        fixed (byte* p = z)
        {
            // SAFETY: z is pinned and NUL-terminated for the duration of the call.
            int fd = Interop.Libc.openat(Interop.AT_FDCWD, p, Interop.O_PATH | Interop.O_DIRECTORY | Interop.O_CLOEXEC, 0);
            return fd >= 0 ? new SafeFd(fd) : throw Error("open", "/", LastErrno);
        }
    }

    /// <summary>openat for one raw name; returns null and the errno on failure.</summary>
    public static unsafe SafeFd? TryOpenAt(SafeFd dir, string name, int flags, uint mode, out int errno)
    {
        byte[] z = RawName.ToZ(name);
        fixed (byte* p = z)
        {
            // SAFETY: z is pinned and NUL-terminated; dir is kept alive by the caller's reference.
            int fd = Interop.Libc.openat(dir.Fd, p, flags | Interop.O_CLOEXEC, mode);
            errno = fd >= 0 ? 0 : LastErrno;
            GC.KeepAlive(dir);
            return fd >= 0 ? new SafeFd(fd) : null;
        }
    }

    public static SafeFd OpenAt(SafeFd dir, string name, int flags, uint mode = 0) =>
        TryOpenAt(dir, name, flags, mode, out int errno) ?? throw Error("openat", RawName.ToDisplay(name), errno);

    /// <summary>
    /// Opens a relative raw path strictly beneath <paramref name="root"/> without following any
    /// symlink in any component (openat2 RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS). The check is done
    /// by the kernel during the lookup itself, so a concurrent swap cannot redirect it. On kernels
    /// without openat2 it walks component by component with O_NOFOLLOW, which is equally strict.
    /// </summary>
    public static SafeFd? TryOpenBeneath(SafeFd root, string relativePath, int flags, out int errno)
    {
        if (relativePath.Length == 0)
        {
            relativePath = ".";
        }

        if (Volatile.Read(ref s_openat2State) != 2)
        {
            // ENOSYS: an older kernel (remembered); EPERM: an outer sandbox's seccomp filter refusing the call, or the open
            // itself refused (an immutable file opened for writing), so it is not remembered: the walk answers this call
            // and gives the open's own EPERM back. The walk is as strict: nothing is weakened.
            SafeFd? fd = TryOpenat2(root, relativePath, flags, out errno);
            if (fd is not null || errno is not ((int)Interop.Errno.ENOSYS or (int)Interop.Errno.EPERM))
            {
                Volatile.Write(ref s_openat2State, 1);
                return fd;
            }

            if (errno == (int)Interop.Errno.ENOSYS)
            {
                Volatile.Write(ref s_openat2State, 2);
            }
        }

        return TryOpenByComponents(root, relativePath, flags, out errno);
    }

    public static SafeFd OpenBeneath(SafeFd root, string relativePath, int flags) =>
        TryOpenBeneath(root, relativePath, flags, out int errno) ?? throw Error("openat2", RawName.ToDisplay(relativePath), errno);

    private static unsafe SafeFd? TryOpenat2(SafeFd root, string relativePath, int flags, out int errno)
    {
        byte[] z = RawName.ToZ(relativePath);
        Interop.open_how how = new()
        {
            flags = (ulong)(uint)(flags | Interop.O_CLOEXEC),
            resolve = Interop.RESOLVE_BENEATH | Interop.RESOLVE_NO_SYMLINKS | Interop.RESOLVE_NO_MAGICLINKS,
        };
        fixed (byte* p = z)
        {
            // SAFETY: z is pinned and NUL-terminated; how is a stack struct whose size (24, open_how v0) is passed.
            nint fd = Interop.Libc.syscall_openat2(Interop.SYS_openat2, root.Fd, p, &how, (nuint)sizeof(Interop.open_how));
            errno = fd >= 0 ? 0 : LastErrno;
            GC.KeepAlive(root);
            return fd >= 0 ? new SafeFd((int)fd) : null;
        }
    }

    internal static SafeFd? TryOpenByComponents(SafeFd root, string relativePath, int flags, out int errno)
    {
        string[] parts = relativePath.Split('/');
        SafeFd current = root;
        bool owned = false;
        try
        {
            for (int i = 0; i < parts.Length; i++)
            {
                if (parts[i] == "..")
                {
                    errno = (int)Interop.Errno.EXDEV;
                    return null;
                }

                bool last = i == parts.Length - 1;
                int f = last ? flags | Interop.O_NOFOLLOW : Interop.O_PATH | Interop.O_DIRECTORY | Interop.O_NOFOLLOW;
                SafeFd? next = TryOpenAt(current, parts[i], f, 0, out errno);
                if (owned)
                {
                    current.Dispose();
                }

                if (next is null)
                {
                    owned = false;
                    return null;
                }

                current = next;
                owned = true;
            }

            errno = 0;
            owned = false;
            return current;
        }
        finally
        {
            if (owned)
            {
                current.Dispose();
            }
        }
    }
}
