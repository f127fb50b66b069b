using System.Runtime.Versioning;
using System.Text;
using Nono.Core.Sandbox.Interop;
using static Nono.Core.Sandbox.Interop.Interop.Audit;

namespace Nono.Core.Audit.Observers;

/// <summary>
/// Reads Landlock's own audit records (ABI 7+) from the kernel audit netlink multicast group and reports this session's
/// filesystem denials with mechanism <see cref="ObserverMechanisms.LandlockAudit"/>. A record is this session's when its
/// domain's <c>status=allocated</c> record names the sandboxed child as the process that restricted itself. Needs
/// CAP_AUDIT_READ (root) and the kernel audit enabled; nono never changes the host's audit settings.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed partial class LandlockAuditReader : IDisposable
{
    private const int MaxPendingRecords = 4096;
    private const int ReceiveBuffer = 1 << 20;

    private readonly SafeFdHandle _socket;
    private readonly IFilesystemObservationSink _sink;
    private readonly TimeProvider _time;
    private readonly SafeFdHandle _stopRead;
    private readonly SafeFdHandle _stopWrite;
    private readonly Thread _loop;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _domainCreators = new(StringComparer.Ordinal);
    private readonly HashSet<string> _ours = new(StringComparer.Ordinal);
    private readonly HashSet<string> _released = new(StringComparer.Ordinal);
    private readonly List<LandlockAuditRecord> _pending = [];
    private int _childPid;
    private long _seen;
    private long _denials;
    private long _dropped;
    private volatile string? _failure;

    private LandlockAuditReader(SafeFdHandle socket, IFilesystemObservationSink sink, TimeProvider time)
    {
        _socket = socket;
        _sink = sink;
        _time = time;
        (_stopRead, _stopWrite) = Interop.Pipe();
        _loop = new Thread(Loop) { IsBackground = true, Name = "nono-landlock-audit" };
        _loop.Start();
    }

    /// <summary>
    /// Subscribes to the audit log before the child starts (so nothing is missed), or says why it cannot:
    /// Landlock older than ABI 7, no CAP_AUDIT_READ, or the kernel audit disabled.
    /// </summary>
    public static LandlockAuditReader? TryOpen(int landlockAbi, IFilesystemObservationSink sink, out ObserverReport? unavailable, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(sink);
        unavailable = null;
        if (landlockAbi < 7)
        {
            unavailable = ObserverReport.Unavailable(ObserverMechanisms.LandlockAudit, landlockAbi <= 0 ? "no Landlock" : $"Landlock ABI {landlockAbi} has no audit records (needs 7)");
            return null;
        }

        if (KernelAudit.Status() is not { } status)
        {
            unavailable = ObserverReport.Unavailable(ObserverMechanisms.LandlockAudit, "needs CAP_AUDIT_READ and CAP_AUDIT_CONTROL in the initial namespaces (run nono as root)");
            return null;
        }

        if (status.enabled == 0)
        {
            unavailable = ObserverReport.Unavailable(ObserverMechanisms.LandlockAudit, "the kernel audit is disabled (auditctl -e 1 enables it)");
            return null;
        }

        SafeFdHandle? socket = KernelAudit.Subscribe(ReceiveBuffer, out int errno);
        if (socket is null)
        {
            unavailable = ObserverReport.Unavailable(ObserverMechanisms.LandlockAudit,
                errno == (int)Interop.Errno.EPERM ? "needs CAP_AUDIT_READ" : $"cannot join the audit multicast group (errno {errno})");
            return null;
        }

        return new LandlockAuditReader(socket, sink, time ?? TimeProvider.System);
    }

    /// <summary>The sandboxed child: the process (or the ancestor of the process) whose landlock_restrict_self created this session's domain.</summary>
    public void Track(int childPid)
    {
        lock (_lock)
        {
            _childPid = childPid;
            foreach ((string domain, int pid) in _domainCreators)
            {
                if (IsSessionCreator(pid))
                {
                    _ours.Add(domain);
                }
            }

            FlushPending();
        }
    }

    /// <summary>
    /// After the command exited: waits until the kernel released every domain of this session (after which no record of
    /// it can follow) or, when none was seen, a short grace period for records still queued; then stops reading.
    /// </summary>
    public void Complete(TimeSpan releaseTimeout, TimeSpan grace)
    {
        DateTime deadline = DateTime.UtcNow + releaseTimeout;
        while (DateTime.UtcNow < deadline && _loop.IsAlive)
        {
            lock (_lock)
            {
                if (_ours.Count > 0 && _ours.IsSubsetOf(_released))
                {
                    break;
                }

                if (_ours.Count == 0 && DateTime.UtcNow >= deadline - releaseTimeout + grace)
                {
                    break;
                }
            }

            Thread.Sleep(5);
        }

        Stop();
    }

    /// <summary>The report for the session record (call after <see cref="Complete"/>).</summary>
    public ObserverReport Report()
    {
        long dropped = Interlocked.Read(ref _dropped);
        return _failure is string failure
            ? new ObserverReport(ObserverMechanisms.LandlockAudit, "failed", failure, Interlocked.Read(ref _denials), Interlocked.Read(ref _seen))
            : new ObserverReport(ObserverMechanisms.LandlockAudit, "active",
                "nested Landlock domains refused" + (dropped == 0 ? "" : $"; {dropped} time(s) the kernel or nono dropped records (each can lose several)"),
                Interlocked.Read(ref _denials), Interlocked.Read(ref _seen));
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Stop();
        _socket.Dispose();
        _stopRead.Dispose();
        _stopWrite.Dispose();
    }

    private unsafe void Stop()
    {
        byte one = 1;
        // SAFETY: one byte on this frame; the pipe has room for it.
        _ = Interop.Libc.write(_stopWrite.Fd, &one, 1);
        _loop.Join();
    }

    private void Handle(ushort type, string text)
    {
        if (type is not (AUDIT_LANDLOCK_ACCESS or AUDIT_LANDLOCK_DOMAIN) || LandlockAuditRecord.Parse(text) is not { Domain: string domain } record)
        {
            return;
        }

        lock (_lock)
        {
            if (type == AUDIT_LANDLOCK_DOMAIN)
            {
                string? status = record.Fields.GetValueOrDefault("status");
                if (status == "allocated" && int.TryParse(record.Fields.GetValueOrDefault("pid"), out int creator))
                {
                    _domainCreators[domain] = creator;
                    if (IsSessionCreator(creator))
                    {
                        _ours.Add(domain);
                        FlushPending();
                    }
                }
                else if (status == "deallocated")
                {
                    _released.Add(domain);
                    _domainCreators.Remove(domain);
                    _pending.RemoveAll(r => r.Domain == domain && !_ours.Contains(domain));
                }

                return;
            }

            Interlocked.Increment(ref _seen);
            if (_ours.Contains(domain))
            {
                Emit(record);
            }
            else if (!_domainCreators.ContainsKey(domain) && _pending.Count < MaxPendingRecords)
            {
                _pending.Add(record); // the allocation record follows in the same event
            }
        }
    }

    private void FlushPending()
    {
        foreach (LandlockAuditRecord record in _pending.Where(r => _ours.Contains(r.Domain!)).ToList())
        {
            Emit(record);
        }

        _pending.RemoveAll(r => _ours.Contains(r.Domain!) || _domainCreators.ContainsKey(r.Domain!));
    }

    private void Emit(LandlockAuditRecord record)
    {
        string blockers = record.Fields.GetValueOrDefault("blockers") ?? "";
        string[] fs = [.. blockers.Split(',').Where(b => b.StartsWith("fs.", StringComparison.Ordinal))];
        if (fs.Length == 0 || record.Fields.GetValueOrDefault("path") is not string path)
        {
            return; // network and scope denials are not filesystem events
        }

        string access = fs.All(b => b is "fs.read_file" or "fs.read_dir") ? "read"
            : fs.All(b => b == "fs.execute") ? "execute"
            : "write";
        Interlocked.Increment(ref _denials);
        _sink.Record(new FilesystemObservation(path, access, null, ObserverMechanisms.LandlockAudit,
            $"landlock domain {record.Domain}: {string.Join(',', fs)}", _time.GetUtcNow()));
    }

    private unsafe void Loop()
    {
        byte[] buffer = new byte[64 * 1024];
        Interop.PollFd* fds = stackalloc Interop.PollFd[2];
        try
        {
            while (true)
            {
                fds[0] = new Interop.PollFd { fd = _socket.Fd, events = Interop.POLLIN };
                fds[1] = new Interop.PollFd { fd = _stopRead.Fd, events = Interop.POLLIN };
                // SAFETY: fds is two pollfd structs on this frame.
                int ready = Interop.Libc.poll(fds, 2, -1);
                if (ready < 0 && Interop.LastErrno == (int)Interop.Errno.EINTR)
                {
                    continue;
                }

                // Records already queued are read before a stop request is honoured.
                if (ready > 0 && (fds[0].revents & Interop.POLLIN) != 0)
                {
                    ReadMessages(buffer);
                    continue;
                }

                return;
            }
        }
        catch (Exception ex)
        {
            _failure = $"reader stopped: {ex.Message}";
        }
    }

    private unsafe void ReadMessages(byte[] buffer)
    {
        nint n;
        fixed (byte* p = buffer)
        {
            // SAFETY: p is pinned for the call and buffer.Length bytes long.
            n = Interop.Libc.recv(_socket.Fd, p, (nuint)buffer.Length, 0x40 /* MSG_DONTWAIT */);
        }

        if (n < 0)
        {
            int errno = Interop.LastErrno;
            if (errno == 105 /* ENOBUFS: the socket overflowed, records were lost */)
            {
                Interlocked.Increment(ref _dropped);
            }

            return;
        }

        int offset = 0;
        while (offset + 16 <= n)
        {
            uint length = BitConverter.ToUInt32(buffer, offset);
            ushort type = BitConverter.ToUInt16(buffer, offset + 4);
            if (length < 16 || offset + length > n)
            {
                break;
            }

            string text = Encoding.UTF8.GetString(buffer, offset + 16, (int)length - 16).TrimEnd('\0');
            Handle(type, text);
            offset += (int)((length + 3) & ~3u); // NLMSG_ALIGN
        }
    }
}
