using System.Runtime.InteropServices;

namespace Nono.Core.Sandbox.Interop;

internal static partial class Interop
{
    /// <summary>seccomp and classic BPF uapi (linux/seccomp.h, linux/filter.h, linux/bpf_common.h).</summary>
    internal static class Seccomp
    {
        public const int SECCOMP_SET_MODE_FILTER = 1;
        public const uint SECCOMP_RET_KILL_PROCESS = 0x80000000;
        public const uint SECCOMP_RET_ERRNO = 0x00050000;
        public const uint SECCOMP_RET_ALLOW = 0x7fff0000;

        public const ushort BPF_LD_W_ABS = 0x00 | 0x00 | 0x20; // BPF_LD | BPF_W | BPF_ABS
        public const ushort BPF_JMP_JEQ_K = 0x05 | 0x10 | 0x00; // BPF_JMP | BPF_JEQ | BPF_K
        public const ushort BPF_JMP_JSET_K = 0x05 | 0x40 | 0x00; // BPF_JMP | BPF_JSET | BPF_K
        public const ushort BPF_ALU_AND_K = 0x04 | 0x50 | 0x00; // BPF_ALU | BPF_AND | BPF_K
        public const ushort BPF_RET_K = 0x06 | 0x00; // BPF_RET | BPF_K

        // struct seccomp_data offsets: int nr; __u32 arch; __u64 instruction_pointer; __u64 args[6].
        public const uint OffsetNr = 0;
        public const uint OffsetArch = 4;

        /// <summary>Offset of the low 32 bits of args[i] (little-endian on both supported architectures).</summary>
        public static uint OffsetArgLow(int i) => 16 + (8 * (uint)i);

        /// <summary>struct sock_filter: 8 bytes.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct sock_filter
        {
            public ushort code;
            public byte jt;
            public byte jf;
            public uint k;
        }

        /// <summary>struct sock_fprog: length then pointer (16 bytes on 64-bit).</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal unsafe struct sock_fprog
        {
            public ushort len;
            public sock_filter* filter;
        }
    }

    /// <summary>Whether the kernel was built with seccomp (PR_GET_SECCOMP answers rather than failing with EINVAL).</summary>
    internal static bool SeccompAvailable() => Libc.prctl(PR_GET_SECCOMP, 0, 0, 0, 0) >= 0;

    /// <summary>Installs a filter on the calling thread (wrap only). The program must stay alive for the call.</summary>
    internal static unsafe void SeccompSetFilter(Seccomp.sock_fprog* program)
    {
        // SAFETY: program points at native memory owned by the caller for the duration of the call; the kernel
        // copies the filter. No TSYNC: only this thread (about to execve) is filtered.
        CheckIo(
            Libc.syscall(SyscallNumbers.Current.seccomp, Seccomp.SECCOMP_SET_MODE_FILTER, 0, (nint)program),
            "seccomp(SECCOMP_SET_MODE_FILTER)");
    }
}
