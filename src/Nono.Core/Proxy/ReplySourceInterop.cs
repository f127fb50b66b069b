using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using static Nono.Core.Sandbox.Interop.Interop;

namespace Nono.Core.Proxy;

/// <summary>
/// sendmsg(2) with <c>IPV6_PKTINFO</c>, so a datagram answer leaves from the address the query was sent to. In the
/// namespace's DNS trap every IPv6 address is local to <c>lo</c>; without this the kernel picks <c>::1</c> as the source,
/// and a resolver (glibc, dig) ignores an answer from an address it did not ask and waits for its timeout. .NET has no
/// API to choose a datagram's source address.
/// </summary>
[SupportedOSPlatform("linux")]
internal static partial class ReplySourceInterop
{
    private const int AF_INET6 = 10;
    private const int IPPROTO_IPV6 = 41;
    private const int IPV6_PKTINFO = 50;
    private const int MSG_DONTWAIT = 0x40;
    private const int SockaddrIn6Bytes = 28;
    private const int PktinfoBytes = 20;                 // struct in6_pktinfo: in6_addr + int ifindex
    private const int CmsgSpace = CmsgDataOffset + 24;   // CMSG_SPACE(20): the data padded to 8 bytes

    /// <summary>
    /// Sends <paramref name="datagram"/> to <paramref name="to"/> (IPv6) from <paramref name="from"/> without blocking.
    /// Returns the bytes sent or a negative errno (EAGAIN when the send buffer is full: the resolver asks again).
    /// </summary>
    public static unsafe long SendFrom(Socket socket, ReadOnlySpan<byte> datagram, IPEndPoint to, IPAddress from)
    {
        byte* name = stackalloc byte[SockaddrIn6Bytes];
        byte* control = stackalloc byte[CmsgSpace];
        new Span<byte>(name, SockaddrIn6Bytes).Clear();
        new Span<byte>(control, CmsgSpace).Clear();
        *(ushort*)name = AF_INET6;
        *(ushort*)(name + 2) = (ushort)IPAddress.HostToNetworkOrder((short)to.Port);
        _ = to.Address.TryWriteBytes(new Span<byte>(name + 8, 16), out _);
        *(uint*)(name + 24) = (uint)to.Address.ScopeId;
        *(cmsghdr_t*)control = new() { cmsg_len = CmsgDataOffset + PktinfoBytes, cmsg_level = IPPROTO_IPV6, cmsg_type = IPV6_PKTINFO };
        _ = from.TryWriteBytes(new Span<byte>(control + CmsgDataOffset, 16), out _); // ipi6_ifindex 0: any interface
        fixed (byte* data = datagram)
        {
            iovec_t iov = new() { iov_base = data, iov_len = (nuint)datagram.Length };
            msghdr_t msg = new() { msg_name = name, msg_namelen = SockaddrIn6Bytes, msg_iov = &iov, msg_iovlen = 1, msg_control = control, msg_controllen = CmsgSpace };
            bool added = false;
            socket.SafeHandle.DangerousAddRef(ref added);
            try
            {
                // SAFETY: name, control, iov and msg live on this frame and data is pinned for the call; the lengths are
                // their sizes; the descriptor stays open while the reference taken above is held.
                nint n = sendmsg((int)socket.SafeHandle.DangerousGetHandle(), &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
                return n >= 0 ? n : -Marshal.GetLastPInvokeError();
            }
            finally
            {
                if (added)
                {
                    socket.SafeHandle.DangerousRelease();
                }
            }
        }
    }

    // SAFETY: msg points at a msghdr_t whose name, iovec and control buffers the caller keeps alive for the call.
    [LibraryImport(Libraries.Libc, SetLastError = true)]
    private static unsafe partial nint sendmsg(int fd, msghdr_t* msg, int flags);
}
