using System.Runtime.InteropServices;
using Nono.Core.Snapshots.Native;
using PollFd = Nono.Core.Sandbox.Interop.Interop.PollFd;
using SandboxInterop = Nono.Core.Sandbox.Interop.Interop;
using SnapshotInterop = Nono.Core.Snapshots.Native.Interop;

namespace Nono.Core.Sandbox;

/// <summary>
/// The test hook that holds a run between plan and ruleset: waits until a writer has opened and closed a FIFO. It
/// opens only a FIFO owned by the effective uid, without following a link and without blocking, and waits a bounded
/// time: the hook can delay a run, never hang it or make it read something else.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public static class PauseHook
{
    /// <summary>How long the hook waits for its writer before failing the run.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    /// <summary>Waits on the FIFO at <paramref name="path"/> (saying so on <paramref name="error"/>); null when the writer came and went, else the problem.</summary>
    public static unsafe string? Wait(string path, TextWriter error)
    {
        byte[] z = RawName.ToZ(RawName.FromString(path));
        int fd;
        fixed (byte* p = z)
        {
            // SAFETY: z is pinned and NUL-terminated for the call.
            fd = SnapshotInterop.Libc.openat(SnapshotInterop.AT_FDCWD, p, SnapshotInterop.O_RDONLY | SnapshotInterop.O_NONBLOCK | SnapshotInterop.O_NOFOLLOW | SnapshotInterop.O_CLOEXEC, 0);
        }

        if (fd < 0)
        {
            return $"test hook: cannot open {path}: {Marshal.GetPInvokeErrorMessage(Fs.LastErrno)}";
        }

        using SafeFd handle = new(fd);
        if (!Fs.TryStatAt(handle, "", out FileStatus status, out int errno))
        {
            return $"test hook: cannot stat {path}: {Marshal.GetPInvokeErrorMessage(errno)}";
        }

        if (status.Type != SnapshotInterop.S_IFIFO || status.Uid != SnapshotInterop.Libc.geteuid())
        {
            return $"test hook: {path} is not a FIFO owned by uid {SnapshotInterop.Libc.geteuid()} ({status.KindName}, owner {status.Uid})";
        }

        error.WriteLine($"nono: test hook: waiting on {path}");
        long deadline = Environment.TickCount64 + (long)Bound.TotalMilliseconds;
        byte* buffer = stackalloc byte[512];
        while (true)
        {
            long left = deadline - Environment.TickCount64;
            if (left <= 0)
            {
                return $"test hook: no writer opened and closed {path} within {Bound.TotalSeconds:0} s";
            }

            PollFd poll = new() { fd = fd, events = SandboxInterop.POLLIN };
            // SAFETY: poll is one pollfd on this frame; buffer is 512 bytes on this frame; fd is held by handle.
            int ready = SandboxInterop.Libc.poll(&poll, 1, (int)Math.Min(left, int.MaxValue));
            if (ready < 0 && Fs.LastErrno != (int)SnapshotInterop.Errno.EINTR)
            {
                return $"test hook: poll {path}: {Marshal.GetPInvokeErrorMessage(Fs.LastErrno)}";
            }

            if (ready <= 0)
            {
                continue;
            }

            // A FIFO opened without a writer reports no hang-up until a writer has come; then 0 is its end.
            nint n = SandboxInterop.Libc.read(fd, buffer, 512);
            if (n == 0)
            {
                GC.KeepAlive(handle);
                return null;
            }

            if (n < 0 && Fs.LastErrno is not ((int)SnapshotInterop.Errno.EAGAIN or (int)SnapshotInterop.Errno.EINTR))
            {
                return $"test hook: read {path}: {Marshal.GetPInvokeErrorMessage(Fs.LastErrno)}";
            }
        }
    }
}
