using System.Runtime.InteropServices;

namespace Nono.Core.Sandbox.Interop;

internal static partial class Interop
{
    /// <summary>
    /// Syscall numbers for the running architecture. Calls added after the table unification (Linux 5.1+)
    /// share one number on every architecture; the older ones differ and come from the per-arch tables.
    /// </summary>
    internal static class SyscallNumbers
    {
        // Unified numbers (include/uapi/asm-generic/unistd.h and arch/x86/entry/syscalls/syscall_64.tbl agree).
        public const int pidfd_send_signal = 424;
        public const int io_uring_setup = 425;
        public const int io_uring_enter = 426;
        public const int io_uring_register = 427;
        public const int open_tree = 428;
        public const int move_mount = 429;
        public const int fsopen = 430;
        public const int fsconfig = 431;
        public const int fsmount = 432;
        public const int fspick = 433;
        public const int pidfd_open = 434;
        public const int clone3 = 435;
        public const int close_range = 436;
        public const int openat2 = 437;
        public const int fchmodat2 = 452;
        public const int pidfd_getfd = 438;
        public const int mount_setattr = 442;
        public const int landlock_create_ruleset = 444;
        public const int landlock_add_rule = 445;
        public const int landlock_restrict_self = 446;
        public const int open_tree_attr = 467;

        /// <summary>True when the process runs on an architecture Nono has tables for.</summary>
        public static bool IsSupportedArchitecture =>
            RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;

        /// <summary>The per-architecture table of the running process.</summary>
        public static ArchSyscalls Current => RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => SyscallNumbersX64.Table,
            Architecture.Arm64 => SyscallNumbersArm64.Table,
            _ => throw new PlatformNotSupportedException($"Nono has no syscall table for {RuntimeInformation.ProcessArchitecture}"),
        };
    }
}
