using System.Runtime.Versioning;
using Nono.Core.Sandbox.Interop;
using static Nono.Core.Sandbox.Interop.Interop.Audit;

namespace Nono.Core.Audit.Observers;

/// <summary>The kernel audit netlink requests the Landlock audit reader needs: status, (for tests) enable, and subscribe.</summary>
[SupportedOSPlatform("linux")]
internal static class KernelAudit
{
    /// <summary>The audit status, or null when this process may not ask (no CAP_AUDIT_CONTROL, or not in the initial namespaces).</summary>
    public static audit_status? Status()
    {
        using SafeFdHandle? socket = Open(0, 0, out _);
        if (socket is null)
        {
            return null;
        }

        Span<byte> reply = stackalloc byte[512];
        int n = Request(socket, AUDIT_GET, [], reply);
        for (int offset = 0; offset + 16 <= n;)
        {
            uint length = BitConverter.ToUInt32(reply[offset..]);
            ushort type = BitConverter.ToUInt16(reply[(offset + 4)..]);
            if (length < 16 || offset + length > n)
            {
                break;
            }

            if (type == AUDIT_GET && length >= 16 + 32)
            {
                return System.Runtime.InteropServices.MemoryMarshal.Read<audit_status>(reply.Slice(offset + 16, 32));
            }

            if (type == NLMSG_ERROR && BitConverter.ToInt32(reply[(offset + 16)..]) != 0)
            {
                return null;
            }

            offset += (int)((length + 3) & ~3u);
        }

        return null;
    }

    /// <summary>Sets the kernel audit on or off (AUDIT_SET, needs CAP_AUDIT_CONTROL). For tests that must restore it.</summary>
    public static bool SetEnabled(bool enabled)
    {
        using SafeFdHandle? socket = Open(0, 0, out _);
        if (socket is null)
        {
            return false;
        }

        audit_status status = new() { mask = AUDIT_STATUS_ENABLED, enabled = enabled ? 1u : 0u };
        Span<byte> payload = stackalloc byte[System.Runtime.CompilerServices.Unsafe.SizeOf<audit_status>()];
        System.Runtime.InteropServices.MemoryMarshal.Write(payload, in status);
        Span<byte> reply = stackalloc byte[512];
        int n = Request(socket, AUDIT_SET, payload, reply, ack: true);
        return n >= 20 && BitConverter.ToUInt16(reply[4..]) == NLMSG_ERROR && BitConverter.ToInt32(reply[16..]) == 0;
    }

    /// <summary>A socket that receives the audit log (AUDIT_NLGRP_READLOG); null with errno when it may not.</summary>
    public static SafeFdHandle? Subscribe(int receiveBuffer, out int errno)
    {
        SafeFdHandle? socket = Open(AUDIT_NLGRP_READLOG, receiveBuffer, out errno);
        return socket;
    }

    private static unsafe SafeFdHandle? Open(uint groups, int receiveBuffer, out int errno)
    {
        errno = 0;
        int fd = Interop.Libc.socket(AF_NETLINK, SOCK_RAW | Interop.SOCK_CLOEXEC, NETLINK_AUDIT);
        if (fd < 0)
        {
            errno = Interop.LastErrno;
            return null;
        }

        SafeFdHandle socket = new(fd);
        if (receiveBuffer > 0)
        {
            int size = receiveBuffer;
            // SAFETY: size is an int on this frame. SO_RCVBUF (8) at SOL_SOCKET; a smaller buffer than asked is acceptable.
            _ = Interop.Libc.setsockopt(fd, Interop.SOL_SOCKET, 8, &size, sizeof(int));
        }

        sockaddr_nl address = new() { nl_family = AF_NETLINK, nl_groups = groups };
        // SAFETY: address is a 12-byte sockaddr_nl on this frame.
        if (Interop.Libc.bind(fd, &address, (uint)sizeof(sockaddr_nl)) != 0)
        {
            errno = Interop.LastErrno;
            socket.Dispose();
            return null;
        }

        return socket;
    }

    /// <summary>Sends one request to the kernel and reads one datagram of reply; returns its length (0 on failure).</summary>
    private static unsafe int Request(SafeFdHandle socket, ushort type, ReadOnlySpan<byte> payload, Span<byte> reply, bool ack = false)
    {
        Span<byte> message = stackalloc byte[16 + payload.Length];
        nlmsghdr_t header = new() { nlmsg_len = (uint)message.Length, nlmsg_type = type, nlmsg_flags = (ushort)(NLM_F_REQUEST | (ack ? NLM_F_ACK : 0)), nlmsg_seq = 1 };
        System.Runtime.InteropServices.MemoryMarshal.Write(message, in header);
        payload.CopyTo(message[16..]);
        fixed (byte* m = message)
        fixed (byte* r = reply)
        {
            // SAFETY: m and r are pinned for the calls and sized by their spans.
            if (Interop.Libc.send(socket.Fd, m, (nuint)message.Length, 0) != message.Length)
            {
                return 0;
            }

            nint n = Interop.Libc.recv(socket.Fd, r, (nuint)reply.Length, 0);
            return n < 0 ? 0 : (int)n;
        }
    }
}
