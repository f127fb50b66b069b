using System.Buffers.Binary;

namespace Nono.Core.Sandbox;

// SAFETY: as NativeLaunchState.cs: every buffer comes from _memory (zeroed, freed only in Dispose, after the forks),
// sized exactly for the netlink and sockaddr structs ChildNetnsDns hands to the kernel (LP64).
internal sealed unsafe partial class NativeLaunchState
{
    private const int NetlinkAckBytes = 1024;
    private const int RouteRequestBytes = 36; // nlmsghdr 16 + rtmsg 12 + one rtattr (RTA_OIF) 8
    private const ushort DnsPort = 53;

    /// <summary>
    /// Prepares <see cref="ChildNetnsDns"/>: the RTM_NEWROUTE requests for <c>local 0.0.0.0/0 dev lo</c> (and
    /// <c>local ::/0 dev lo</c> when the host has IPv6) and the port-53 addresses, with <paramref name="fault"/> built in.
    /// </summary>
    private void PrepareDnsRecorder(DnsTrapFault fault)
    {
        ChildContext* c = Context;
        bool ipv6 = System.Net.Sockets.Socket.OSSupportsIPv6;
        int count = ipv6 ? 2 : 1;
        byte* requests = (byte*)_memory.Allocate((nuint)(RouteRequestBytes * count));
        WriteLocalRouteRequest(requests, family: 2 /* AF_INET */, sequence: 1);
        if (ipv6)
        {
            WriteLocalRouteRequest(requests + RouteRequestBytes, family: 10 /* AF_INET6 */, sequence: 2);
        }

        if (fault == DnsTrapFault.Route)
        {
            *(uint*)(requests + 32) = int.MaxValue; // RTA_OIF: no such interface
        }

        c->RouteMessages = requests;
        c->RouteMessageCount = count;
        c->NetlinkAck = _memory.Allocate(NetlinkAckBytes);
        c->NetlinkAckSize = NetlinkAckBytes;

        // struct sockaddr_in 0.0.0.0:53 and struct sockaddr_in6 [::]:53 (family, port in network order, rest zero).
        byte* sin = (byte*)_memory.Allocate(16);
        *(ushort*)sin = 2;
        *(ushort*)(sin + 2) = BinaryPrimitives.ReverseEndianness(DnsPort);
        c->DnsAddress4 = sin;
        if (ipv6)
        {
            byte* sin6 = (byte*)_memory.Allocate(28);
            *(ushort*)sin6 = 10;
            *(ushort*)(sin6 + 2) = BinaryPrimitives.ReverseEndianness(DnsPort);
            c->DnsAddress6 = sin6;
        }

        if (fault == DnsTrapFault.Bind)
        {
            *(ushort*)sin = 1; // AF_UNIX: not an address for a UDP socket
            if (c->DnsAddress6 != null)
            {
                *(ushort*)c->DnsAddress6 = 1;
            }
        }
    }

    /// <summary>One <c>ip route add local DEFAULT dev lo table local</c> request: every address of the family is local.</summary>
    private static void WriteLocalRouteRequest(byte* request, byte family, uint sequence)
    {
        // struct nlmsghdr
        *(uint*)request = RouteRequestBytes;                         // nlmsg_len
        *(ushort*)(request + 4) = 24;                                // RTM_NEWROUTE
        *(ushort*)(request + 6) = 0x1 | 0x4 | 0x200 | 0x400;        // NLM_F_REQUEST | NLM_F_ACK | NLM_F_EXCL | NLM_F_CREATE
        *(uint*)(request + 8) = sequence;                            // nlmsg_seq (nlmsg_pid 0: the kernel assigns)

        // struct rtmsg
        byte* rtm = request + 16;
        rtm[0] = family;                                             // rtm_family; rtm_dst_len 0: the default prefix
        rtm[4] = 255;                                                // RT_TABLE_LOCAL
        rtm[5] = 3;                                                  // RTPROT_BOOT
        rtm[6] = 254;                                                // RT_SCOPE_HOST
        rtm[7] = 2;                                                  // RTN_LOCAL

        // struct rtattr RTA_OIF = 1: lo is always ifindex 1 (LOOPBACK_IFINDEX) in a new namespace.
        byte* oif = request + 28;
        *(ushort*)oif = 8;
        *(ushort*)(oif + 2) = 4;                                     // RTA_OIF
        *(uint*)(oif + 4) = 1;
    }
}
