namespace Nono.Core.Sandbox.Interop;

/// <summary>arm64 numbers, from include/uapi/asm-generic/unistd.h.</summary>
internal static class SyscallNumbersArm64
{
    public static ArchSyscalls Table { get; } = new()
    {
        Name = "aarch64",
        AuditArch = 0xC00000B7, // AUDIT_ARCH_AARCH64 = EM_AARCH64 | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE
        X32SyscallBit = 0,
        seccomp = 277,
        ioctl = 29,
        socket = 198,
        connect = 203,
        listen = 201,
        sendto = 206,
        sendmsg = 211,
        sendmmsg = 269,
        ptrace = 117,
        process_vm_readv = 270,
        process_vm_writev = 271,
        kexec_load = 104,
        kexec_file_load = 294,
        bpf = 280,
        perf_event_open = 241,
        add_key = 217,
        request_key = 218,
        keyctl = 219,
        userfaultfd = 282,
        mount = 40,
        umount2 = 39,
        pivot_root = 41,
        open_by_handle_at = 265,
        name_to_handle_at = 264,
        init_module = 105,
        finit_module = 273,
        delete_module = 106,
        swapon = 224,
        swapoff = 225,
        reboot = 142,
        acct = 89,
        iopl = -1,
        ioperm = -1,
        vhangup = 58,
        creat = -1,
        chmod = -1,
        fchmod = 52,
        fchmodat = 53,
        mknod = -1,
        mknodat = 33,
        open = -1,
        openat = 56,
    };
}
