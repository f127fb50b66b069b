using System.Globalization;
using System.Text;
using Nono.Core.Policy;
using Nono.Core.Sandbox;
using Nono.Core.Sandbox.Interop;
using static Nono.Core.Sandbox.Interop.Interop.SeccompNotify;

namespace Nono.Core.Audit.Observers;

public sealed partial class SeccompObserver
{
    private const int AT_FDCWD = -100;
    private const int PathMax = 4096;
    private const int PageSize = 4096;
    private const ulong O_ACCMODE = 3;
    private const ulong O_WRONLY = 1;
    private const ulong O_RDWR = 2;
    private const ulong O_CREAT = 0x40;   // asm-generic and x86-64 agree
    private const ulong O_TRUNC = 0x200;
    private const ulong O_PATH = 0x200000;

    /// <summary>
    /// Reads what the waiting call asks for: its path (from <c>/proc/PID/mem</c>), its flags and the directory it is
    /// relative to. Everything read is trusted only after SECCOMP_IOCTL_NOTIF_ID_VALID confirms the caller is still the
    /// same waiting thread (not a recycled pid). Null when the call is not one to check or cannot be read.
    /// </summary>
    private unsafe PendingAccess? ReadAccess(SafeFdHandle listener, seccomp_notif request)
    {
        if (!ObservedSyscalls.Current.TryGetValue(request.nr, out ObservedSyscall? call))
        {
            return null;
        }

        int pid = (int)request.pid;
        int mem = Interop.Libc.open($"/proc/{pid}/mem", Interop.O_CLOEXEC, 0); // O_RDONLY
        if (mem < 0)
        {
            Interlocked.Increment(ref _unreadable);
            return null;
        }

        string? path;
        ulong flags = 0;
        try
        {
            path = ReadCString(mem, request.args[call.PathArg]);
            if (call.Kind == ObservedKind.Open)
            {
                flags = request.args[call.FlagsArg];
            }
            else if (call.Kind == ObservedKind.Open2 && ReadUInt64(mem, request.args[call.FlagsArg]) is ulong how)
            {
                flags = how; // struct open_how starts with __u64 flags
            }
        }
        finally
        {
            Interop.Libc.close(mem);
        }

        if (path is null)
        {
            Interlocked.Increment(ref _unreadable);
            return null;
        }

        if (path.Length == 0 || (call.Kind is ObservedKind.Open or ObservedKind.Open2 && (flags & O_PATH) != 0))
        {
            return null; // AT_EMPTY_PATH acts on the fd; O_PATH opens are not access-checked by Landlock
        }

        string? directory = path[0] == '/' ? "/" : RelativeBase(pid, call.DirFdArg < 0 ? AT_FDCWD : (int)request.args[call.DirFdArg]);
        ulong id = request.id;
        // SAFETY: id is a u64 on this frame, the size SECCOMP_IOCTL_NOTIF_ID_VALID encodes.
        if (directory is null || Interop.Libc.ioctl(listener.Fd, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) != 0)
        {
            Interlocked.Increment(ref _unreadable);
            return null;
        }

        string full = Path.GetFullPath(Path.Join(directory, path));
        return call.Kind switch
        {
            ObservedKind.Open or ObservedKind.Open2 => OpenAccess(full, flags, pid, call.Name),
            ObservedKind.Create => new PendingAccess(full, FsOperation.Write, "write", true, pid, call.Name),
            ObservedKind.Modify => new PendingAccess(full, FsOperation.Write, "write", false, pid, call.Name),
            _ => new PendingAccess(full, FsOperation.Read, "execute", false, pid, call.Name),
        };
    }

    private static PendingAccess OpenAccess(string path, ulong flags, int pid, string syscall)
    {
        bool write = (flags & O_ACCMODE) is O_WRONLY or O_RDWR || (flags & (O_CREAT | O_TRUNC)) != 0;
        bool read = (flags & O_ACCMODE) != O_WRONLY;
        (FsOperation operation, string access) = (read, write) switch
        {
            (true, true) => (FsOperation.ReadWrite, "readwrite"),
            (false, true) => (FsOperation.Write, "write"),
            _ => (FsOperation.Read, "read"),
        };
        return new PendingAccess(path, operation, access, (flags & O_CREAT) != 0, pid, syscall);
    }

    /// <summary>Asks the policy about an access whose call has continued; records it when denied.</summary>
    private void Evaluate(PendingAccess access)
    {
        // The observer sees attempts, not outcomes: a call on a missing path fails with ENOENT before any access check,
        // so it is no denial. A creating call needs only its directory.
        if (_decide is null || _sink is null)
        {
            return; // no path call is notified to an observer of network refusals only
        }

        bool exists = EntryExists(access.Path);
        if (!exists && (!access.Creates || !Directory.Exists(Path.GetDirectoryName(access.Path) ?? "/")))
        {
            return;
        }

        Decision decision;
        try
        {
            decision = _decide(access.Path, access.Operation);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            Interlocked.Increment(ref _unreadable); // e.g. a link loop the kernel refuses with ELOOP anyway
            return;
        }

        if (decision.Allowed)
        {
            return;
        }

        Interlocked.Increment(ref _denials);
        _sink.Record(new FilesystemObservation(decision.Path, access.Access, access.Pid, ObserverMechanisms.SeccompObserver,
            $"{access.Syscall}: {decision.Reason}", _time.GetUtcNow()));
    }

    /// <summary>Whether a directory entry exists at <paramref name="path"/> (a dangling link counts).</summary>
    private static bool EntryExists(string path)
    {
        try
        {
            return Path.Exists(path) || new FileInfo(path).LinkTarget is not null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string? RelativeBase(int pid, int dirfd)
    {
        string link = dirfd == AT_FDCWD
            ? $"/proc/{pid}/cwd"
            : $"/proc/{pid}/fd/{dirfd.ToString(CultureInfo.InvariantCulture)}";
        try
        {
            string? target = new FileInfo(link).LinkTarget;
            return target is not null && target.StartsWith('/') ? target : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>A NUL-terminated string at <paramref name="address"/>, read page by page (the next page may be unmapped).</summary>
    internal static unsafe string? ReadCString(int mem, ulong address)
    {
        byte* buffer = stackalloc byte[PathMax];
        int filled = 0;
        while (filled < PathMax)
        {
            ulong at = address + (ulong)filled;
            int chunk = Math.Min(PageSize - (int)(at % PageSize), PathMax - filled);
            // SAFETY: buffer + filled has PathMax - filled >= chunk writable bytes on this frame.
            nint n = Interop.Libc.pread(mem, buffer + filled, chunk, unchecked((long)at));
            if (n <= 0)
            {
                return null;
            }

            int end = new ReadOnlySpan<byte>(buffer + filled, (int)n).IndexOf((byte)0);
            if (end >= 0)
            {
                return Encoding.UTF8.GetString(buffer, filled + end);
            }

            filled += (int)n;
        }

        return null; // longer than PATH_MAX: the kernel refuses it with ENAMETOOLONG
    }

    private static unsafe ulong? ReadUInt64(int mem, ulong address)
    {
        ulong value;
        // SAFETY: value is 8 bytes on this frame.
        return Interop.Libc.pread(mem, (byte*)&value, sizeof(ulong), unchecked((long)address)) == sizeof(ulong) ? value : null;
    }
}
