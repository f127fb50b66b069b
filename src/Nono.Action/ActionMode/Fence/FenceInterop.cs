using System.Runtime.InteropServices;

namespace Nono.Action.ActionMode.Fence;

/// <summary>The few libc calls the output fence needs (the relay swaps file descriptors 1 and 2 under the runtime).</summary>
internal static partial class FenceInterop
{
    private const string Libc = "libc.so.6";
    private const int FDupFdCloexec = 1030;
    private const int FGetFl = 3;
    private const int FSetFl = 4;
    private const int FGetPipeSize = 1032;
    private const int ONonblock = 0x800;
    private const int OCloexec = 0x80000;
    public const int EAgain = 11;
    public const int EIntr = 4;
    public const short PollIn = 0x001;

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    // SAFETY: fds points at two ints on the caller's stack for the call.
    [LibraryImport(Libc, EntryPoint = "pipe2", SetLastError = true)]
    private static unsafe partial int Pipe2(int* fds, int flags);

    [LibraryImport(Libc, EntryPoint = "dup2", SetLastError = true)]
    private static partial int Dup2(int oldFd, int newFd);

    [LibraryImport(Libc, EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int fd, int command, int argument);

    [LibraryImport(Libc, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    // SAFETY: buffer points at count bytes owned by the caller for the call.
    [LibraryImport(Libc, EntryPoint = "read", SetLastError = true)]
    private static unsafe partial nint ReadRaw(int fd, byte* buffer, nint count);

    // SAFETY: buffer points at count bytes owned by the caller for the call.
    [LibraryImport(Libc, EntryPoint = "write", SetLastError = true)]
    private static unsafe partial nint WriteRaw(int fd, byte* buffer, nint count);

    // SAFETY: fds points at count pollfd structs owned by the caller for the call.
    [LibraryImport(Libc, EntryPoint = "poll", SetLastError = true)]
    private static unsafe partial int PollRaw(PollFd* fds, nuint count, int timeout);

    public static (int Read, int Write) Pipe()
    {
        unsafe
        {
            int* fds = stackalloc int[2];
            // SAFETY: a two-int stack buffer, as pipe2 requires.
            Check(Pipe2(fds, OCloexec), "pipe2");
            return (fds[0], fds[1]);
        }
    }

    /// <summary>A close-on-exec copy of <paramref name="fd"/>, so no sandboxed command inherits it.</summary>
    public static int DuplicateCloseOnExec(int fd) => Check(Fcntl(fd, FDupFdCloexec, 3), "fcntl(F_DUPFD_CLOEXEC)");

    public static void Replace(int source, int target)
    {
        while (Dup2(source, target) < 0)
        {
            if (Marshal.GetLastPInvokeError() != EIntr)
            {
                Check(-1, "dup2");
            }
        }
    }

    /// <summary>The pipe's capacity in bytes (F_GETPIPE_SZ).</summary>
    public static int PipeCapacity(int fd) => Check(Fcntl(fd, FGetPipeSize, 0), "fcntl(F_GETPIPE_SZ)");

    public static void SetNonBlocking(int fd) => Check(Fcntl(fd, FSetFl, Check(Fcntl(fd, FGetFl, 0), "fcntl(F_GETFL)") | ONonblock), "fcntl(F_SETFL)");

    /// <summary>Bytes read, 0 at end of file, -1 when nothing is available now (EAGAIN).</summary>
    public static int Read(int fd, Span<byte> buffer)
    {
        while (true)
        {
            nint n;
            unsafe
            {
                fixed (byte* p = buffer)
                {
                    // SAFETY: p is pinned for the call and buffer.Length bytes long.
                    n = ReadRaw(fd, p, buffer.Length);
                }
            }

            if (n >= 0)
            {
                return (int)n;
            }

            int errno = Marshal.GetLastPInvokeError();
            if (errno == EAgain)
            {
                return -1;
            }

            if (errno != EIntr)
            {
                Check(-1, "read");
            }
        }
    }

    public static void WriteAll(int fd, ReadOnlySpan<byte> data)
    {
        while (data.Length > 0)
        {
            nint n;
            unsafe
            {
                fixed (byte* p = data)
                {
                    // SAFETY: p is pinned for the call and data.Length bytes long.
                    n = WriteRaw(fd, p, data.Length);
                }
            }

            if (n < 0)
            {
                if (Marshal.GetLastPInvokeError() == EIntr)
                {
                    continue;
                }

                Check(-1, "write");
            }

            data = data[(int)n..];
        }
    }

    public static void Poll(Span<PollFd> fds)
    {
        while (true)
        {
            int n;
            unsafe
            {
                fixed (PollFd* p = fds)
                {
                    // SAFETY: p is pinned for the call and holds fds.Length entries.
                    n = PollRaw(p, (nuint)fds.Length, -1);
                }
            }

            if (n >= 0)
            {
                return;
            }

            if (Marshal.GetLastPInvokeError() != EIntr)
            {
                Check(-1, "poll");
            }
        }
    }

    private static int Check(int result, string call) =>
        result >= 0 ? result : throw new IOException($"{call} failed: errno {Marshal.GetLastPInvokeError()}");
}
