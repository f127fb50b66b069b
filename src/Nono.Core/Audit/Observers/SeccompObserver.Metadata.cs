using System.Globalization;
using IProxyEventSink = Nono.Core.Proxy.IProxyEventSink;
using Nono.Core.Sandbox;
using Nono.Core.Sandbox.Interop;
using static Nono.Core.Sandbox.Interop.Interop.SeccompNotify;
using Fs = Nono.Core.Snapshots.Native.Interop;

namespace Nono.Core.Audit.Observers;

/// <summary>
/// The mode, owner, time and xattr calls (<see cref="MetadataSyscalls"/>) of the cgroup and direct-child containments.
/// Landlock has no right for them, so the filter sends each here and this observer performs it itself, never CONTINUE:
/// it opens the object as the caller names it (relative to the caller's working directory or descriptor, through
/// <c>/proc/TID</c>; a final link followed only where the call follows it), checks that the opened object lies in a
/// writable grant (<see cref="MetadataGrants"/>, by the path the kernel reports for it), then performs the call on that
/// object with the caller's filesystem credentials (<see cref="ThreadCredentials"/>: the kernel's own permission checks
/// apply, so a non-owner gets EPERM and a capability-less root cannot chown) and answers with its result. Outside the
/// grants it answers EPERM and records a denial (<see cref="ObserverMechanisms.SeccompMetadata"/>). Everything read from
/// /proc is trusted only after SECCOMP_IOCTL_NOTIF_ID_VALID.
/// </summary>
public sealed partial class SeccompObserver
{
    private const int ENOTTY = 25;
    private static FileIdentity? s_root;
    private static FileIdentity? s_userNamespace;
    private MetadataGrants? _metadata; // set before Attach starts the loop
    private long _metadataSeen;
    private long _metadataDenials;

    private IFilesystemObservationSink? _metadataSink; // null: the path observer's sink, if any

    /// <summary>
    /// An observer for the metadata supervision without path observation: refused metadata calls are recorded to
    /// <paramref name="sink"/> (when not null), refused network calls to <paramref name="networkSink"/> (as
    /// <see cref="ForNetworkRefusals"/>; without one they are answered as <see cref="ForListenGuard"/> answers them).
    /// </summary>
    public static SeccompObserver ForMetadata(IFilesystemObservationSink? sink, IProxyEventSink? networkSink, TimeProvider? time = null)
    {
        SeccompObserver observer = networkSink is null ? new SeccompObserver(time) : new SeccompObserver(networkSink, time);
        observer._metadataSink = sink;
        return observer;
    }

    /// <summary>Called by the launch before the child starts: the grants the metadata calls are performed in, or null (not sent here).</summary>
    internal void ExpectMetadata(MetadataGrants? grants) => _metadata = grants;

    /// <summary>The metadata supervision's report (call after <see cref="Stop"/>), or null when this launch had none.</summary>
    public ObserverReport? MetadataReport() => _metadata is null ? null
        : !Attached ? new ObserverReport(ObserverMechanisms.SeccompMetadata, "failed", "the sandbox child never handed over its listener", 0, 0)
        : Volatile.Read(ref _failure) is string failure
            ? new ObserverReport(ObserverMechanisms.SeccompMetadata, "failed", failure, Volatile.Read(ref _metadataDenials), Volatile.Read(ref _metadataSeen))
            : new ObserverReport(ObserverMechanisms.SeccompMetadata, "active", "mode, owner, time and xattr calls performed by nono inside the writable grants, refused outside",
                Volatile.Read(ref _metadataDenials), Volatile.Read(ref _metadataSeen));

    private void CheckMetadata(SafeFdHandle listener, seccomp_notif request, MetadataSyscall call, MetadataGrants grants)
    {
        Interlocked.Increment(ref _metadataSeen);
        int errno = EPERM;
        string? refused = null;
        try
        {
            (errno, refused) = PerformMetadata(listener, request, call, grants);
        }
        finally
        {
            Answer(listener, request.id, errno); // 0: the call returns 0; never CONTINUE
        }

        if (refused is not null)
        {
            Interlocked.Increment(ref _metadataDenials);
            (_metadataSink ?? _sink)?.Record(new FilesystemObservation(refused, "metadata", (int)request.pid, ObserverMechanisms.SeccompMetadata,
                $"{call.Name}: {ChangeName(call.Change)} change outside the writable grants", _time.GetUtcNow()));
        }
    }

    private static string ChangeName(MetadataChange change) => change switch
    {
        MetadataChange.Mode => "mode",
        MetadataChange.Owner => "owner",
        MetadataChange.Times => "time",
        MetadataChange.Attributes => "attribute",
        _ => "xattr",
    };

    /// <summary>The answer (0 or an errno) and, when refused for lying outside the grants, the object's path.</summary>
    private (int Errno, string? Refused) PerformMetadata(SafeFdHandle listener, seccomp_notif request, MetadataSyscall call, MetadataGrants grants)
    {
        int pid = (int)request.pid;
        MetadataRequest? args = MetadataRequest.Read(pid, request, call, out int invalid);
        if (args is null)
        {
            if (invalid == 0)
            {
                Interlocked.Increment(ref _unreadable);
                return (EPERM, null);
            }

            return (invalid, null); // EFAULT, EINVAL, ENOENT, E2BIG, ERANGE: as the kernel answers
        }

        // The base the path is relative to (or the object itself for an fd call), opened as nono before the switch.
        string? basePath = args.Path is ['/', ..] ? null
            : args.DirFd == AT_FDCWD ? $"/proc/{pid}/cwd" : $"/proc/{pid}/fd/{args.DirFd.ToString(CultureInfo.InvariantCulture)}";
        int baseFd = basePath is null ? AT_FDCWD : Interop.Libc.open(basePath, Interop.O_PATH | Interop.O_CLOEXEC, 0);
        if (baseFd < 0 && basePath is not null)
        {
            return (args.DirFd == AT_FDCWD ? EPERM : EBADF, null);
        }

        try
        {
            bool pathDescriptor = args.NamesPathDescriptor(pid);
            CallerCredentials? caller = ReadCredentials(pid);
            if (caller is null || !SameRoot(pid) || !NotificationValid(listener, request.id))
            {
                Interlocked.Increment(ref _unreadable); // gone, or chrooted (root-capabilities): fail closed
                return (EPERM, null);
            }

            if (pathDescriptor)
            {
                return (EBADF, null); // ioctl on an O_PATH descriptor, as the kernel answers
            }

            ThreadCredentials? saved = ThreadCredentials.Assume(caller);
            if (saved is null)
            {
                Interlocked.Increment(ref _unreadable);
                return (EPERM, null);
            }

            try
            {
                return PerformAs(args, baseFd, call, grants);
            }
            finally
            {
                saved.Restore();
            }
        }
        finally
        {
            if (baseFd >= 0)
            {
                Interop.Libc.close(baseFd);
            }
        }
    }

    private static unsafe (int, string?) PerformAs(MetadataRequest args, int baseFd, MetadataSyscall call, MetadataGrants grants)
    {
        int obj = baseFd;
        if (args.Path is string path)
        {
            obj = OpenObject(baseFd, path, args.NoFollow);
            if (obj < 0)
            {
                return (Interop.LastErrno, null); // ENOENT, EACCES, ELOOP, ENOTDIR: as the caller's own lookup
            }
        }

        try
        {
            Fs.statx_buf stat;
            byte empty = 0;
            // SAFETY: empty is a NUL-terminated "" on this frame; stat is a 256-byte statx buffer on this frame.
            if (Fs.Libc.statx(obj, &empty, Fs.AT_EMPTY_PATH, 0x1 /* STATX_TYPE */, &stat) != 0)
            {
                return (EPERM, null);
            }

            if (call.Change == MetadataChange.Attributes && !MetadataRequest.CarriesAttributes(stat.stx_mode & Fs.S_IFMT))
            {
                return (ENOTTY, null); // a pipe, socket or device: the kernel's answer, nothing to check or record
            }

            string where = ObjectPath(obj) ?? "(an object without a path)";
            if (!where.StartsWith('/') || !grants.Contains(where, (stat.stx_mode & Fs.S_IFMT) == Fs.S_IFREG) || !IsNamedInOurView(obj, where))
            {
                return (EPERM, where);
            }

            return (args.Perform(obj), null);
        }
        finally
        {
            if (obj != baseFd)
            {
                Interop.Libc.close(obj);
            }
        }
    }

    private static unsafe int OpenObject(int baseFd, string path, bool noFollow)
    {
        byte[] name = System.Text.Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = name)
        {
            // SAFETY: p is pinned and NUL-terminated for the call.
            return Fs.Libc.openat(baseFd, p, Interop.O_PATH | Interop.O_CLOEXEC | (noFollow ? Fs.O_NOFOLLOW : 0), 0);
        }
    }

    /// <summary>
    /// Whether <paramref name="where"/>, looked up from nono's own root without following a last link, is the opened
    /// object itself (device, inode and mount). The kernel reports an object's path relative to the root of the mount
    /// namespace it lives in, and nono (no Landlock domain) can open <c>/proc/PID/root/...</c> of a process in another
    /// container of the same user: that object's path would read like a grant (<c>/dev/shm/x</c>) while being another
    /// namespace's file (review of session 12). Also refuses unlinked objects (their path names something else or nothing).
    /// </summary>
    private static unsafe bool IsNamedInOurView(int obj, string where)
    {
        const uint Identity = 0x100 /* STATX_INO */ | 0x1000 /* STATX_MNT_ID */;
        Fs.statx_buf opened, named;
        byte empty = 0;
        byte[] path = System.Text.Encoding.UTF8.GetBytes(where + "\0");
        fixed (byte* p = path)
        {
            // SAFETY: empty and p are NUL-terminated and live for the calls; both buffers are 256-byte statx structs on this frame.
            if (Fs.Libc.statx(obj, &empty, Fs.AT_EMPTY_PATH, Identity, &opened) != 0
                || Fs.Libc.statx(Fs.AT_FDCWD, p, Fs.AT_SYMLINK_NOFOLLOW, Identity, &named) != 0)
            {
                return false;
            }
        }

        bool mountsKnown = (opened.stx_mask & named.stx_mask & 0x1000) != 0;
        return opened.stx_ino == named.stx_ino && opened.stx_dev_major == named.stx_dev_major && opened.stx_dev_minor == named.stx_dev_minor
            && (!mountsKnown || opened.stx_mnt_id == named.stx_mnt_id);
    }

    /// <summary>The path the kernel reports for an opened object; an unlinked file's last name (" (deleted)" cut).</summary>
    private static unsafe string? ObjectPath(int fd)
    {
        byte* buffer = stackalloc byte[PathMax];
        // SAFETY: buffer holds PathMax bytes on this frame.
        nint n = Interop.Libc.readlink($"/proc/self/fd/{fd.ToString(CultureInfo.InvariantCulture)}", buffer, PathMax);
        if (n <= 0 || n >= PathMax)
        {
            return null;
        }

        string target = System.Text.Encoding.UTF8.GetString(buffer, (int)n);
        return target.EndsWith(" (deleted)", StringComparison.Ordinal) ? target[..^" (deleted)".Length] : target;
    }

    /// <summary>
    /// The caller's credentials. Capabilities held in a user namespace of the sandbox's own count for nothing here (they
    /// act only on what that namespace maps): the thread acting for it gets none, which is stricter, never weaker.
    /// </summary>
    private static CallerCredentials? ReadCredentials(int pid)
    {
        string proc = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}";
        try
        {
            CallerCredentials? caller = CallerCredentials.Parse(File.ReadAllText($"{proc}/status"));
            s_userNamespace ??= Interop.TryGetIdentity("/proc/self/ns/user", out FileIdentity own) ? own : null;
            bool sameNamespace = Interop.TryGetIdentity($"{proc}/ns/user", out FileIdentity callers) && callers == s_userNamespace;
            return sameNamespace ? caller : caller is null ? null : caller with { EffectiveCapabilities = 0 };
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Diagnostics.NonoException)
        {
            return null;
        }
    }

    /// <summary>Whether the caller's root is nono's: absolute paths (and ".." at the top) then resolve alike.</summary>
    private static bool SameRoot(int pid)
    {
        try
        {
            s_root ??= Interop.TryGetIdentity("/", out FileIdentity root) ? root : null;
            return Interop.TryGetIdentity($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/root", out FileIdentity callerRoot) && callerRoot == s_root;
        }
        catch (Diagnostics.NonoException)
        {
            return false;
        }
    }
}
