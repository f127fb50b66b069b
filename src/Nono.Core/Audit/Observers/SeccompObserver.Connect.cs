using System.Buffers.Binary;
using System.Net;
using Nono.Core.Proxy;
using SafeFdHandle = Nono.Core.Sandbox.Interop.SafeFdHandle;
using Nono.Core.Sandbox.Interop;
using static Nono.Core.Sandbox.Interop.Interop.SeccompNotify;

namespace Nono.Core.Audit.Observers;

/// <summary>
/// The <c>landlock-tcp</c> tier's connects. Landlock lets TCP connect only to the proxy's port and refuses every other
/// port in its LSM hook, after seccomp; BPF cannot read the address, so the launch notifies this observer of every
/// <c>connect(2)</c>. A destination Landlock refuses is refused here first, with Landlock's own errno (EACCES), and
/// recorded; everything else is answered with SECCOMP_USER_NOTIF_FLAG_CONTINUE.
/// <para>
/// CONTINUE is not a security decision here, so its time-of-check/time-of-use gap (the kernel re-reads the address from the
/// caller's memory after this answer, and a second thread may have changed it) does not matter: every continued connect
/// still passes Landlock's port rule, which reads the address the kernel copied. A racing thread can only make its own
/// record wrong (no record for a connect that read as going to the proxy's port and that Landlock then refuses) or get
/// its own connect refused (EACCES, recorded with the address read, although the memory named the proxy's port by the
/// time the kernel would have copied it); it never gets a connect past Landlock. Likewise an address that cannot be read
/// in full (a bad pointer or length: the kernel answers EFAULT/EINVAL itself) is continued, unrecorded.
/// </para>
/// </summary>
public sealed partial class SeccompObserver
{
    private const int EACCES = 13;
    private const int SockaddrStorageSize = 128; // the kernel refuses longer addresses with EINVAL before any check
    private const int SockaddrIn6Rfc2133 = 24; // the shortest AF_INET6 address Landlock reads a port from
    private const int SockaddrIn = 16;
    private HashSet<int>? _connectPorts; // set before Attach starts the loop; null: connects are not notified

    /// <summary>
    /// Called by the launch before the child starts: <paramref name="ports"/> are the TCP ports Landlock lets the sandbox
    /// connect to (the filter then notifies every connect), or null (connects are not notified).
    /// </summary>
    internal void ExpectConnects(IReadOnlyList<int>? ports) => _connectPorts = ports is null ? null : [.. ports];

    /// <summary>Refuses (EACCES) and records a connect Landlock would refuse; continues every other.</summary>
    private void CheckConnect(SafeFdHandle listener, seccomp_notif request, HashSet<int> allowedPorts)
    {
        (IPAddress Address, int Port)? refused = null;
        try
        {
            refused = RefusedDestination(listener, request, allowedPorts);
        }
        finally
        {
            if (refused is null)
            {
                Continue(listener, request.id); // Landlock decides, as without this observer
            }
            else
            {
                Answer(listener, request.id, EACCES); // Landlock's own errno for this connect
            }
        }

        if (refused is (IPAddress address, int port))
        {
            RecordOnce(Refusal(RefusedCallMethods.Connect, address.ToString(), port, "connect-refused:port-not-allowed"));
        }
    }

    /// <summary>
    /// The destination of a waiting connect when Landlock's TCP port rule would refuse it (an AF_INET/AF_INET6 address of
    /// Landlock's minimum length whose port is not allowed), read from the caller's memory and used only after
    /// SECCOMP_IOCTL_NOTIF_ID_VALID; null otherwise (other families, AF_UNSPEC, short or unreadable addresses, allowed ports).
    /// </summary>
    private unsafe (IPAddress, int)? RefusedDestination(SafeFdHandle listener, seccomp_notif request, HashSet<int> allowedPorts)
    {
        ulong address = request.args[1];
        int length = unchecked((int)(uint)request.args[2]); // the kernel takes an int
        if (address == 0 || length < SockaddrIn || length > SockaddrStorageSize)
        {
            return null; // too short for an internet address Landlock checks (it answers EINVAL), or the kernel's EINVAL/EFAULT
        }

        // The whole length, as the kernel copies it: a 16..128-byte address of which only the first bytes are mapped
        // fails with EFAULT in the kernel, before Landlock, so it must not be refused here with EACCES.
        Span<byte> name = stackalloc byte[SockaddrStorageSize];
        name = name[..length];
        int mem = Interop.Libc.open($"/proc/{(int)request.pid}/mem", Interop.O_CLOEXEC, 0); // O_RDONLY
        if (mem < 0)
        {
            Interlocked.Increment(ref _unreadable); // e.g. the command made itself non-dumpable: Landlock still refuses
            return null;
        }

        try
        {
            if (!ReadExactly(mem, address, name))
            {
                return null; // partly or wholly unmapped: the kernel answers EFAULT
            }
        }
        finally
        {
            Interop.Libc.close(mem);
        }

        ushort family = BinaryPrimitives.ReadUInt16LittleEndian(name);
        int port = BinaryPrimitives.ReadUInt16BigEndian(name[2..]);
        IPAddress? destination = family switch
        {
            SockaddrInet => new IPAddress(name.Slice(4, 4)),
            SockaddrInet6 when length >= SockaddrIn6Rfc2133 => new IPAddress(name.Slice(8, 16)),
            _ => null,
        };

        if (destination is null || allowedPorts.Contains(port) || !LandlockChecks((int)request.pid, unchecked((int)request.args[0]), family))
        {
            return null;
        }

        ulong id = request.id;
        // SAFETY: id is a u64 on this frame, the size SECCOMP_IOCTL_NOTIF_ID_VALID encodes.
        if (Interop.Libc.ioctl(listener.Fd, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) != 0)
        {
            return null; // not the same waiting thread any more: what was read may belong to another process or socket
        }

        return (destination, port);
    }

    /// <summary>
    /// Whether Landlock's port rule applies to this connect: the descriptor is a TCP socket of the address's family
    /// (Landlock ignores other sockets and answers EINVAL for a family mismatch), by the protocol name the socket was
    /// created with (<see cref="Interop.SocketProtocol"/>), and not an O_PATH descriptor (the kernel answers EBADF for
    /// those before Landlock); looked up only on the way to a refusal, so connects to the proxy pay nothing for it. When
    /// either cannot be confirmed (no such descriptor, not a socket, unreadable), the connect is continued: the kernel
    /// and Landlock answer as without this observer, and an unreadable one is counted.
    /// </summary>
    private bool LandlockChecks(int pid, int fd, ushort family)
    {
        string? protocol = Interop.SocketProtocol(pid, fd, out int errno);
        if (protocol is null || Interop.DescriptorIsPath(pid, fd, out errno) is not false)
        {
            if (errno is not ((int)Interop.Errno.ENOENT or (int)Interop.Errno.ENOTSOCK or 0))
            {
                Interlocked.Increment(ref _unreadable); // e.g. no ptrace access to the caller: Landlock still refuses
            }

            return false;
        }

        return protocol == (family == SockaddrInet ? "TCP" : "TCPv6");
    }
}
