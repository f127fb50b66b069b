using System.Runtime.InteropServices;

namespace Nono.Core.Sandbox.Interop;

internal static partial class Interop
{
    /// <summary>Kernel audit over netlink (linux/netlink.h, linux/audit.h).</summary>
    internal static class Audit
    {
        public const int AF_NETLINK = 16;
        public const int SOCK_RAW = 3;
        public const int NETLINK_AUDIT = 9;
        public const uint AUDIT_NLGRP_READLOG = 1;
        public const ushort NLMSG_ERROR = 2;
        public const ushort AUDIT_GET = 1000;
        public const ushort AUDIT_SET = 1001;
        public const ushort AUDIT_SYSCALL = 1300;
        public const ushort AUDIT_LANDLOCK_ACCESS = 1423;
        public const ushort AUDIT_LANDLOCK_DOMAIN = 1424;
        public const ushort NLM_F_REQUEST = 1;
        public const ushort NLM_F_ACK = 4;
        public const uint AUDIT_STATUS_ENABLED = 1;

        /// <summary>struct sockaddr_nl: 12 bytes.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct sockaddr_nl
        {
            public ushort nl_family;
            public ushort nl_pad;
            public uint nl_pid;
            public uint nl_groups;
        }

        /// <summary>struct nlmsghdr_t: 16 bytes.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct nlmsghdr_t
        {
            public uint nlmsg_len;
            public ushort nlmsg_type;
            public ushort nlmsg_flags;
            public uint nlmsg_seq;
            public uint nlmsg_pid;
        }

        /// <summary>The leading fields of struct audit_status that every kernel since 2.6 has (mask .. backlog).</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct audit_status
        {
            public uint mask;
            public uint enabled;
            public uint failure;
            public uint pid;
            public uint rate_limit;
            public uint backlog_limit;
            public uint lost;
            public uint backlog;
        }
    }

    internal static partial class Libc
    {
        // SAFETY: plain integer arguments.
        [LibraryImport(Libraries.Libc, EntryPoint = "socket", SetLastError = true)]
        internal static partial int socket(int domain, int type, int protocol);

        // SAFETY: addr points at addrlen readable bytes owned by the caller for the call.
        [LibraryImport(Libraries.Libc, EntryPoint = "bind", SetLastError = true)]
        internal static unsafe partial int bind(int fd, void* addr, uint addrlen);

        // SAFETY: buffer points at length writable bytes owned by the caller for the call.
        [LibraryImport(Libraries.Libc, EntryPoint = "recv", SetLastError = true)]
        internal static unsafe partial nint recv(int fd, byte* buffer, nuint length, int flags);

        // SAFETY: value points at length readable bytes owned by the caller for the call.
        [LibraryImport(Libraries.Libc, EntryPoint = "setsockopt", SetLastError = true)]
        internal static unsafe partial int setsockopt(int fd, int level, int name, void* value, uint length);
    }
}
