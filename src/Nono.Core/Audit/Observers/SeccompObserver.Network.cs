using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using Nono.Core.Proxy;
using SafeFdHandle = Nono.Core.Sandbox.Interop.SafeFdHandle;
using Nono.Core.Sandbox.Interop;
using static Nono.Core.Sandbox.Interop.Interop.SeccompNotify;

namespace Nono.Core.Audit.Observers;

public sealed partial class SeccompObserver
{
    /// <summary>Distinct refusals recorded per session; beyond it they are only counted, and one event says how many.</summary>
    internal const int DistinctRefusalsRecorded = 4096;

    private const int EPERM = 1;
    private const ushort SockaddrInet = 2;
    private const ushort SockaddrInet6 = 10;
    private readonly HashSet<(string Method, string? Host, int Port, string Reason)> _refusals = []; // the loop thread only
    private long _refusalsNotRecorded;

    /// <summary>
    /// Answers a deferred network call with EPERM (never CONTINUE: the call never runs, whatever was read) and records it.
    /// What is read from the caller's memory (a destination) is only a record: the answer does not depend on it.
    /// </summary>
    private void RefuseAndRecord(SafeFdHandle listener, seccomp_notif request)
    {
        ProxyEvent? refusal = null;
        try
        {
            refusal = DescribeRefusal(listener, request);
        }
        finally
        {
            Answer(listener, request.id, EPERM);
        }

        RecordOnce(refusal);
    }

    /// <summary>Records <paramref name="refusal"/> unless an equal one was (a retry), within the session's bound.</summary>
    private void RecordOnce(ProxyEvent refusal)
    {
        if (_refusals.Contains((refusal.Method!, refusal.Host, refusal.Port, refusal.Reason)))
        {
            return; // a retry: recorded already
        }

        if (_refusals.Count >= DistinctRefusalsRecorded || NetworkSink is null)
        {
            _refusalsNotRecorded++;
            return;
        }

        _refusals.Add((refusal.Method!, refusal.Host, refusal.Port, refusal.Reason));
        NetworkSink.Record(refusal);
    }

    /// <summary>After the loop has stopped: one event for the refusals beyond the bound.</summary>
    /// <summary>The mechanism named in <see cref="Report"/>: the observer, or the recorder of refusals only.</summary>
    private string Mechanism => ObservesPaths ? ObserverMechanisms.SeccompObserver : ObserverMechanisms.SeccompNetworkRefusals;

    /// <summary>
    /// The child could not create a listener (<paramref name="errno"/>: EBUSY when a filter above already has one, EPERM
    /// under an outer nono run) and went on without this observer: its filter refuses by itself, unrecorded.
    /// </summary>
    internal void MarkUnavailable(int errno) => _unavailable = errno switch
    {
        (int)Interop.Errno.EBUSY => "seccomp(SECCOMP_FILTER_FLAG_NEW_LISTENER): EBUSY, a seccomp listener already exists (a container seccomp agent, or an outer nono run observing paths); refusals were enforced but not recorded",
        (int)Interop.Errno.EPERM => "seccomp(SECCOMP_FILTER_FLAG_NEW_LISTENER): EPERM, refused by an enclosing seccomp filter (an outer nono run); refusals were enforced but not recorded",
        _ => $"seccomp(SECCOMP_FILTER_FLAG_NEW_LISTENER): errno {errno.ToString(CultureInfo.InvariantCulture)}; refusals were enforced but not recorded",
    };

    private void ReportUnrecordedRefusals()
    {
        if (_refusalsNotRecorded > 0 && NetworkSink is not null)
        {
            NetworkSink.Record(Refusal(RefusedCallMethods.Socket, null, 0, $"network-refusals-not-recorded:{_refusalsNotRecorded.ToString(CultureInfo.InvariantCulture)}"));
        }
    }

    private unsafe ProxyEvent DescribeRefusal(SafeFdHandle listener, seccomp_notif request)
    {
        ArchSyscalls arch = Interop.SyscallNumbers.Current;
        if (request.nr == arch.socket)
        {
            string family = FamilyName((uint)request.args[0]);
            string type = TypeName((uint)request.args[1] & 0xf); // without SOCK_NONBLOCK / SOCK_CLOEXEC
            return Refusal(RefusedCallMethods.Socket, $"{family}/{type}", 0, $"socket-refused:{family},{type},{ProtocolName((uint)request.args[2])}");
        }

        string method = request.nr == arch.sendto ? "sendto" : request.nr == arch.sendmsg ? "sendmsg" : request.nr == arch.sendmmsg ? "sendmmsg" : "";
        if (method.Length == 0)
        {
            return Refusal("syscall", null, 0, $"refused:nr-{request.nr.ToString(CultureInfo.InvariantCulture)}");
        }

        (IPAddress? address, int port) = ReadDestination(listener, request, request.nr == arch.sendto);
        return Refusal(method, address?.ToString(), port, "fastopen-refused");
    }

    private ProxyEvent Refusal(string method, string? host, int port, string reason) => new()
    {
        Timestamp = _time.GetUtcNow(),
        Mode = ProxyMode.Socket,
        Host = host,
        Port = port,
        Method = method,
        Decision = ProxyDecision.Denied,
        Reason = reason,
    };

    /// <summary>
    /// The destination a send names (<c>sendto</c>'s address, or the first message's <c>msg_name</c>), read from the waiting
    /// caller's memory and trusted only after SECCOMP_IOCTL_NOTIF_ID_VALID; (null, 0) when there is none or it cannot be read.
    /// </summary>
    private static unsafe (IPAddress?, int) ReadDestination(SafeFdHandle listener, seccomp_notif request, bool sendto)
    {
        int mem = Interop.Libc.open($"/proc/{(int)request.pid}/mem", Interop.O_CLOEXEC, 0); // O_RDONLY
        if (mem < 0)
        {
            return (null, 0);
        }

        Span<byte> name = stackalloc byte[28]; // sockaddr_in6, the largest address recorded
        int length;
        try
        {
            ulong nameAddress = request.args[4];
            ulong nameLength = request.args[5];
            if (!sendto)
            {
                // struct msghdr (sendmsg) and struct mmsghdr (sendmmsg, first message) both start with msg_name, msg_namelen.
                Span<byte> header = stackalloc byte[12];
                if (!ReadExactly(mem, request.args[1], header))
                {
                    return (null, 0);
                }

                nameAddress = BinaryPrimitives.ReadUInt64LittleEndian(header);
                nameLength = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
            }

            length = (int)Math.Min(nameLength, (ulong)name.Length);
            if (nameAddress == 0 || length < 8 || !ReadExactly(mem, nameAddress, name[..length]))
            {
                return (null, 0);
            }
        }
        finally
        {
            Interop.Libc.close(mem);
        }

        ulong id = request.id;
        // SAFETY: id is a u64 on this frame, the size SECCOMP_IOCTL_NOTIF_ID_VALID encodes.
        if (Interop.Libc.ioctl(listener.Fd, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) != 0)
        {
            return (null, 0); // not the same waiting thread any more: what was read may belong to another process
        }

        ushort family = BinaryPrimitives.ReadUInt16LittleEndian(name);
        int port = BinaryPrimitives.ReadUInt16BigEndian(name[2..]);
        return family switch
        {
            SockaddrInet when length >= 8 => (new IPAddress(name.Slice(4, 4)), port),
            SockaddrInet6 when length >= 24 => (new IPAddress(name.Slice(8, 16)), port),
            _ => (null, 0),
        };
    }

    private static unsafe bool ReadExactly(int mem, ulong address, Span<byte> into)
    {
        fixed (byte* p = into)
        {
            // SAFETY: p is pinned for the call and into.Length bytes long.
            return Interop.Libc.pread(mem, p, into.Length, unchecked((long)address)) == into.Length;
        }
    }

    private static unsafe void Answer(SafeFdHandle listener, ulong id, int errno)
    {
        seccomp_notif_resp response = new() { id = id, error = -errno }; // flags 0: the call does not run
        // SAFETY: response is a 24-byte seccomp_notif_resp on this frame, the size SECCOMP_IOCTL_NOTIF_SEND encodes.
        // ENOENT (the caller died or was interrupted meanwhile) needs no answer: an interrupted call is not run either.
        _ = Interop.Libc.ioctl(listener.Fd, SECCOMP_IOCTL_NOTIF_SEND, &response);
    }

    private static string FamilyName(uint family) => family switch
    {
        2 => "AF_INET",
        10 => "AF_INET6",
        _ => "AF_" + family.ToString(CultureInfo.InvariantCulture),
    };

    private static string TypeName(uint type) => type switch
    {
        1 => "SOCK_STREAM",
        2 => "SOCK_DGRAM",
        3 => "SOCK_RAW",
        5 => "SOCK_SEQPACKET",
        _ => "SOCK_" + type.ToString(CultureInfo.InvariantCulture),
    };

    private static string ProtocolName(uint protocol) => protocol switch
    {
        0 => "0",
        1 => "IPPROTO_ICMP",
        6 => "IPPROTO_TCP",
        17 => "IPPROTO_UDP",
        58 => "IPPROTO_ICMPV6",
        136 => "IPPROTO_UDPLITE",
        255 => "IPPROTO_RAW",
        262 => "IPPROTO_MPTCP",
        _ => protocol.ToString(CultureInfo.InvariantCulture),
    };
}
