using System.Runtime.InteropServices;

namespace Nono.Core.Sandbox.Interop;

internal static partial class Interop
{
    public const int SOL_SOCKET = 1;
    public const int SCM_RIGHTS = 1;
    public const int MSG_NOSIGNAL = 0x4000;
    public const int MSG_CMSG_CLOEXEC = 0x40000000;

    /// <summary>CMSG_LEN(sizeof(int)) on LP64: a 16-byte cmsghdr_t plus the descriptor.</summary>
    public const int CmsgLenOneFd = 20;

    /// <summary>CMSG_SPACE(sizeof(int)) on LP64: the control buffer for one descriptor.</summary>
    public const int CmsgSpaceOneFd = 24;

    /// <summary>Offset of CMSG_DATA in a cmsghdr_t on LP64.</summary>
    public const int CmsgDataOffset = 16;

    // SAFETY: layouts match the LP64 glibc/kernel structs (x86-64 and arm64, the only architectures nono supports).

    /// <summary>struct iovec.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct iovec_t
    {
        public void* iov_base;
        public nuint iov_len;
    }

    /// <summary>struct msghdr (LP64 layout: x86-64 and arm64).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct msghdr_t
    {
        public void* msg_name;
        public uint msg_namelen;
        public iovec_t* msg_iov;
        public nuint msg_iovlen;
        public void* msg_control;
        public nuint msg_controllen;
        public int msg_flags;
    }

    /// <summary>struct cmsghdr header (the data follows at <see cref="CmsgDataOffset"/>).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct cmsghdr_t
    {
        public nuint cmsg_len;
        public int cmsg_level;
        public int cmsg_type;
    }
}
