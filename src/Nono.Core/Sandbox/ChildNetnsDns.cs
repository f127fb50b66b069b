using System.Runtime.CompilerServices;

namespace Nono.Core.Sandbox;

/// <summary>
/// The namespace's DNS trap (netns tier, proxy mode), run by <see cref="ChildNetns"/> after the proxy listener is handed
/// over and before the capabilities are dropped. It makes every address local to the namespace's <c>lo</c>
/// (<c>ip route add local 0.0.0.0/0 dev lo</c>, and <c>::/0</c> when IPv6 exists) and binds a UDP socket and a listening
/// TCP socket on port 53 of every address, which go to the supervisor like the listener. A resolver query from a tool
/// that ignores the proxy
/// variables then reaches the supervisor, which answers REFUSED and records it, instead of failing unseen with
/// ENETUNREACH. Nothing leaves the namespace either way: it still holds only <c>lo</c>.
/// The trap only records, so it is best effort: when the kernel refuses a step (gVisor, an LSM rule on netlink) the child
/// sends the supervisor the failed stage and errno instead of the socket, and the supervisor reports and records that the
/// trap is unavailable. Only a failed hand-over itself stops the launch.
/// </summary>
// SAFETY: as ChildNetns: every pointer comes from the ChildContext that NativeLaunchState.PrepareDnsRecorder filled
// before the fork (route requests of nlmsg_len bytes each, an ack buffer of NetlinkAckSize bytes, sockaddr_in6 28 and
// sockaddr_in 16 bytes); the child owns its copy of that memory.
internal static unsafe class ChildNetnsDns
{
    private const int AF_INET = 2;
    private const int AF_INET6 = 10;
    private const int AF_NETLINK = 16;
    private const int SOCK_STREAM = 1;
    private const int SOCK_DGRAM = 2;
    private const int SOCK_RAW = 3;
    private const int SOCK_CLOEXEC = 0x80000;
    private const int NETLINK_ROUTE = 0;
    private const ushort NLMSG_ERROR = 2;
    private const int NlmsgErrorOffset = 16; // struct nlmsgerr follows the 16-byte nlmsghdr; its first field is int error
    private const int EAFNOSUPPORT = 97;
    private const int EPROTO = 71;
    private const int TcpBacklog = 64;

    /// <summary>Size of the "trap unavailable" message: one 64-bit failure code, (errno &lt;&lt; 32) | stage.</summary>
    internal const int UnavailableMessageBytes = 8;

    /// <summary>
    /// Adds the local routes, then binds the port-53 UDP socket and the port-53 TCP listener and sends each to the
    /// supervisor, or, for each, why it could not (both carry the route's failure when the routes failed). Returns 0 or,
    /// when a message could not be sent, (errno &lt;&lt; 32) | stage.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static long Install(ChildContext* c)
    {
        if (c == null)
        {
            _ = AddRoute(null, -1, null, 0); // warm-up in the parent: compile the helpers too
            _ = AddLocalRoutes(null);
            _ = Trap(null, 0, ChildStage.None, ChildStage.None);
            _ = SendUnavailable(null, 0);
            return 0;
        }

        long routes = AddLocalRoutes(c);
        if (routes != 0)
        {
            long sent = SendUnavailable(c, routes);
            return sent != 0 ? sent : SendUnavailable(c, routes); // the TCP trap needs the routes as much
        }

        long udp = Trap(c, SOCK_DGRAM, ChildStage.NetnsDnsSocket, ChildStage.NetnsDnsHandoff);
        return udp != 0 ? udp : Trap(c, SOCK_STREAM, ChildStage.NetnsDnsTcpSocket, ChildStage.NetnsDnsTcpHandoff);
    }

    /// <summary>Adds <c>local DEFAULT dev lo</c> for each prepared family: 0, or (errno &lt;&lt; 32) | stage.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static long AddLocalRoutes(ChildContext* c)
    {
        if (c == null)
        {
            return 0;
        }

        int fd = c->Socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
        if (fd < 0)
        {
            return ((long)*c->ErrnoLocation() << 32) | (uint)ChildStage.NetnsLocalRoutes;
        }

        byte* request = (byte*)c->RouteMessages;
        for (int i = 0; i < c->RouteMessageCount; i++)
        {
            uint length = *(uint*)request;
            // The IPv4 route is the trap; IPv6 may be switched off for this namespace, and then v6 queries fail with
            // ENETUNREACH as before (unrecorded, still nothing sent).
            if (!AddRoute(c, fd, request, length) && i == 0)
            {
                int saved = *c->ErrnoLocation();
                c->Close(fd);
                return ((long)saved << 32) | (uint)ChildStage.NetnsLocalRoutes;
            }

            request += length;
        }

        c->Close(fd);
        return 0;
    }

    /// <summary>
    /// Binds a <paramref name="type"/> socket on port 53 of every address (listening, for TCP) and sends it to the
    /// supervisor, keeping no copy; or sends why it could not. 0, or the hand-over's failure.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static long Trap(ChildContext* c, int type, ChildStage socketStage, ChildStage handoffStage)
    {
        if (c == null)
        {
            return 0;
        }

        bool dualStack = c->DnsAddress6 != null;
        int fd = dualStack ? c->Socket(AF_INET6, type | SOCK_CLOEXEC, 0) : -1;
        if (fd < 0 && (!dualStack || *c->ErrnoLocation() == EAFNOSUPPORT))
        {
            dualStack = false;
            fd = c->Socket(AF_INET, type | SOCK_CLOEXEC, 0);
        }

        if (fd < 0)
        {
            return SendUnavailable(c, ((long)*c->ErrnoLocation() << 32) | (uint)socketStage);
        }

        // A new namespace starts with net.ipv6.bindv6only = 0, so [::]:53 also receives IPv4 queries.
        if (c->Bind(fd, dualStack ? c->DnsAddress6 : c->DnsAddress4, dualStack ? 28u : 16u) != 0
            || (type == SOCK_STREAM && c->Listen(fd, TcpBacklog) != 0))
        {
            int saved = *c->ErrnoLocation();
            c->Close(fd);
            return SendUnavailable(c, ((long)saved << 32) | (uint)socketStage);
        }

        Interop.Interop.msghdr_t* msg = (Interop.Interop.msghdr_t*)c->HandoffMessage;
        *(int*)((byte*)msg->msg_control + Interop.Interop.CmsgDataOffset) = fd;
        if (c->Sendmsg(c->HandoffFd, msg, Interop.Interop.MSG_NOSIGNAL) != 1)
        {
            int saved = *c->ErrnoLocation();
            c->Close(fd);
            return ((long)saved << 32) | (uint)handoffStage;
        }

        c->Close(fd); // only the supervisor holds the socket
        return 0;
    }

    /// <summary>
    /// Tells the supervisor the trap is unavailable: the hand-over message without its descriptor, its data the 8-byte
    /// failure code (written into the child's own copy of the ack buffer). 0, or the hand-over's failure.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static long SendUnavailable(ChildContext* c, long failure)
    {
        if (c == null)
        {
            return failure;
        }

        *(long*)c->NetlinkAck = failure;
        Interop.Interop.msghdr_t* msg = (Interop.Interop.msghdr_t*)c->HandoffMessage;
        void* control = msg->msg_control;
        nuint controlLength = msg->msg_controllen;
        void* data = msg->msg_iov->iov_base;
        nuint dataLength = msg->msg_iov->iov_len;
        msg->msg_control = null;
        msg->msg_controllen = 0;
        msg->msg_iov->iov_base = c->NetlinkAck;
        msg->msg_iov->iov_len = UnavailableMessageBytes;
        bool sent = c->Sendmsg(c->HandoffFd, msg, Interop.Interop.MSG_NOSIGNAL) == UnavailableMessageBytes;
        int saved = *c->ErrnoLocation();
        msg->msg_control = control; // the next trap may still send its descriptor with this message
        msg->msg_controllen = controlLength;
        msg->msg_iov->iov_base = data;
        msg->msg_iov->iov_len = dataLength;
        return sent ? 0 : ((long)saved << 32) | (uint)ChildStage.NetnsDnsHandoff;
    }

    /// <summary>Sends one RTM_NEWROUTE request and reads its acknowledgement; false with errno set on failure.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static bool AddRoute(ChildContext* c, int fd, byte* request, uint length)
    {
        if (c == null)
        {
            return false;
        }

        if (c->Write(fd, request, (nint)length) != length)
        {
            return false;
        }

        nint n = c->Read(fd, c->NetlinkAck, c->NetlinkAckSize);
        if (n < 0)
        {
            return false;
        }

        byte* ack = (byte*)c->NetlinkAck;
        if (n < NlmsgErrorOffset + 4 || *(ushort*)(ack + 4) != NLMSG_ERROR)
        {
            *c->ErrnoLocation() = EPROTO;
            return false;
        }

        int error = *(int*)(ack + NlmsgErrorOffset);
        if (error != 0)
        {
            *c->ErrnoLocation() = -error;
            return false;
        }

        return true;
    }
}
