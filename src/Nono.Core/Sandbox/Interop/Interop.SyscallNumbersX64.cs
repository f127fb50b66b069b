namespace Nono.Core.Sandbox.Interop;

/// <summary>x86_64 numbers, from arch/x86/entry/syscalls/syscall_64.tbl.</summary>
internal static class SyscallNumbersX64
{
    public static ArchSyscalls Table { get; } = new()
    {
        Name = "x86_64",
        AuditArch = 0xC000003E, // AUDIT_ARCH_X86_64 = EM_X86_64 | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE
        X32SyscallBit = 0x40000000, // __X32_SYSCALL_BIT
        seccomp = 317,
        ioctl = 16,
        socket = 41,
        connect = 42,
        listen = 50,
        sendto = 44,
        sendmsg = 46,
        sendmmsg = 307,
        ptrace = 101,
        process_vm_readv = 310,
        process_vm_writev = 311,
        kexec_load = 246,
        kexec_file_load = 320,
        bpf = 321,
        perf_event_open = 298,
        add_key = 248,
        request_key = 249,
        keyctl = 250,
        userfaultfd = 323,
        mount = 165,
        umount2 = 166,
        pivot_root = 155,
        open_by_handle_at = 304,
        name_to_handle_at = 303,
        init_module = 175,
        finit_module = 313,
        delete_module = 176,
        swapon = 167,
        swapoff = 168,
        reboot = 169,
        acct = 163,
        iopl = 172,
        ioperm = 173,
        vhangup = 153,
        prlimit64 = 302,
        socketpair = 53,
        creat = 85,
        chmod = 90,
        fchmod = 91,
        fchmodat = 268,
        mknod = 133,
        mknodat = 259,
        open = 2,
        openat = 257,
    };
}
