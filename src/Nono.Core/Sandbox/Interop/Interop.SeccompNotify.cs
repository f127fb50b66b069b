using System.Runtime.InteropServices;

namespace Nono.Core.Sandbox.Interop;

internal static partial class Interop
{
    /// <summary>seccomp user notification uapi (linux/seccomp.h); the layouts are identical on x86-64 and arm64.</summary>
    internal static class SeccompNotify
    {
        public const uint SECCOMP_RET_USER_NOTIF = 0x7fc00000;
        public const int SECCOMP_FILTER_FLAG_NEW_LISTENER = 1 << 3;
        public const uint SECCOMP_USER_NOTIF_FLAG_CONTINUE = 1;

        // _IOWR('!', 0, struct seccomp_notif), _IOWR('!', 1, struct seccomp_notif_resp), _IOW('!', 2, __u64).
        public const nuint SECCOMP_IOCTL_NOTIF_RECV = 0xC0502100;
        public const nuint SECCOMP_IOCTL_NOTIF_SEND = 0xC0182101;
        public const nuint SECCOMP_IOCTL_NOTIF_ID_VALID = 0x40082102;

        /// <summary>struct seccomp_notif: 80 bytes (id, pid, flags, then struct seccomp_data).</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal unsafe struct seccomp_notif
        {
            public ulong id;
            public uint pid;
            public uint flags;
            public int nr;
            public uint arch;
            public ulong instruction_pointer;
            public fixed ulong args[6];
        }

        /// <summary>struct seccomp_notif_resp: 24 bytes.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct seccomp_notif_resp
        {
            public ulong id;
            public long val;
            public int error;
            public uint flags;
        }
    }

    internal static partial class Libc
    {
        // SAFETY: arg points at the struct the request code names (sized in its _IOC bits), owned by the caller for the call.
        [LibraryImport(Libraries.Libc, EntryPoint = "ioctl", SetLastError = true)]
        internal static unsafe partial int ioctl(int fd, nuint request, void* arg);

        // SAFETY: buf points at count writable bytes owned by the caller for the call.
        [LibraryImport(Libraries.Libc, EntryPoint = "pread64", SetLastError = true)]
        internal static unsafe partial nint pread(int fd, byte* buf, nint count, long offset);

        // SAFETY: buf points at count readable bytes owned by the caller for the call.
        [LibraryImport(Libraries.Libc, EntryPoint = "write", SetLastError = true)]
        internal static unsafe partial nint write(int fd, byte* buf, nint count);
    }
}
