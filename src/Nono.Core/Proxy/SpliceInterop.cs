using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Nono.Core.Proxy;

/// <summary>
/// splice(2) and pipe2(2) for the tunnel fast path: bytes move socket -> pipe -> socket inside the kernel instead of
/// being copied through a managed buffer. Raw imports are private; wrappers return byte counts or a negative errno.
/// </summary>
[SupportedOSPlatform("linux")]
internal static partial class SpliceInterop
{
    public const int EAGAIN = 11;
    public const int EINTR = 4;
    private const uint SPLICE_F_MOVE = 1;
    private const uint SPLICE_F_NONBLOCK = 2;
    private const int O_NONBLOCK = 0x800;   // same value on x86_64 and arm64
    private const int O_CLOEXEC = 0x80000;  // same value on x86_64 and arm64
    private const int F_SETPIPE_SZ = 1031;  // same value on x86_64 and arm64
    private const string Libc = Sandbox.Interop.Interop.Libraries.Libc;

    /// <summary>
    /// Pipe capacity asked for: 1 MiB (the default /proc/sys/fs/pipe-max-size), so one splice moves up to 1 MiB instead
    /// of the default 64 KiB. Pages are only allocated for bytes in flight, so an idle tunnel costs nothing more.
    /// </summary>
    private const int PipeSize = 1024 * 1024;

    /// <summary>Creates a non-blocking, close-on-exec pipe; null on failure (e.g. EMFILE), in which case the caller copies.</summary>
    public static unsafe (SafeFdHandle Read, SafeFdHandle Write)? CreatePipe()
    {
        int* fds = stackalloc int[2];
        // SAFETY: fds points to two ints on this stack frame, exactly what pipe2 writes; both are wrapped before return.
        if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0)
        {
            return null;
        }

        // Best effort: over the per-user pipe page limit the kernel refuses (EPERM) and the pipe keeps 64 KiB.
        // SAFETY: fds[1] is the write end just created and still owned here; F_SETPIPE_SZ takes an int and writes no memory.
        _ = fcntl(fds[1], F_SETPIPE_SZ, PipeSize);
        return (new SafeFdHandle(fds[0]), new SafeFdHandle(fds[1]));
    }

    /// <summary>Moves up to <paramref name="length"/> bytes between two descriptors. Returns the count, or -errno.</summary>
    public static long Splice(SafeHandle from, SafeHandle to, long length)
    {
        bool fromRef = false;
        bool toRef = false;
        try
        {
            // The references keep both descriptors open (and their numbers unreused) for the duration of the call.
            from.DangerousAddRef(ref fromRef);
            to.DangerousAddRef(ref toRef);
            while (true)
            {
                // SAFETY: both descriptors are kept alive by the references above; null offsets mean "current position",
                // which is required for sockets and pipes; the kernel writes no user memory.
                nint n = splice((int)from.DangerousGetHandle(), 0, (int)to.DangerousGetHandle(), 0, (nuint)length, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
                if (n >= 0)
                {
                    return n;
                }

                int errno = Marshal.GetLastPInvokeError();
                if (errno != EINTR)
                {
                    return -errno;
                }
            }
        }
        finally
        {
            if (toRef)
            {
                to.DangerousRelease();
            }

            if (fromRef)
            {
                from.DangerousRelease();
            }
        }
    }

    /// <summary>Reads from a pipe end into <paramref name="buffer"/>. Returns the count, or -errno.</summary>
    public static unsafe long Read(SafeFdHandle fd, Span<byte> buffer)
    {
        bool added = false;
        try
        {
            fd.DangerousAddRef(ref added);
            fixed (byte* p = buffer)
            {
                while (true)
                {
                    // SAFETY: p is pinned for buffer.Length bytes by the fixed statement; read writes at most that many.
                    nint n = read(fd.Fd, p, (nuint)buffer.Length);
                    if (n >= 0)
                    {
                        return n;
                    }

                    int errno = Marshal.GetLastPInvokeError();
                    if (errno != EINTR)
                    {
                        return -errno;
                    }
                }
            }
        }
        finally
        {
            if (added)
            {
                fd.DangerousRelease();
            }
        }
    }

    public static int Close(int fd) => close(fd);

    [LibraryImport(Libc, SetLastError = true)]
    private static unsafe partial int pipe2(int* pipefd, int flags);

    [LibraryImport(Libc, SetLastError = true)]
    private static partial nint splice(int fd_in, nint off_in, int fd_out, nint off_out, nuint len, uint flags);

    [LibraryImport(Libc, SetLastError = true)]
    private static unsafe partial nint read(int fd, byte* buf, nuint count);

    [LibraryImport(Libc, SetLastError = true)]
    private static partial int close(int fd);

    // fcntl is variadic; an int third argument is passed like a fixed one on the x86_64 and arm64 Linux ABIs.
    [LibraryImport(Libc, SetLastError = true)]
    private static partial int fcntl(int fd, int cmd, int arg);
}
