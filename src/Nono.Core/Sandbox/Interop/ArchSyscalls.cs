namespace Nono.Core.Sandbox.Interop;

/// <summary>
/// The syscall numbers that differ between architectures, plus the seccomp audit architecture.
/// A value of -1 means the call does not exist on that architecture.
/// </summary>
internal sealed record ArchSyscalls
{
    public required string Name { get; init; }

    /// <summary>AUDIT_ARCH_* value the kernel reports in seccomp_data.arch.</summary>
    public required uint AuditArch { get; init; }

    /// <summary>On x86_64, syscalls with this bit set are x32 ABI calls; 0 where there is no such ABI.</summary>
    public required uint X32SyscallBit { get; init; }

    public required int seccomp { get; init; }
    public required int statx { get; init; }
    public required int socket { get; init; }
    public required int connect { get; init; }
    public required int listen { get; init; }
    public required int ioctl { get; init; }
    public required int sendto { get; init; }
    public required int sendmsg { get; init; }
    public required int sendmmsg { get; init; }
    public required int ptrace { get; init; }
    public required int process_vm_readv { get; init; }
    public required int process_vm_writev { get; init; }
    public required int kexec_load { get; init; }
    public required int kexec_file_load { get; init; }
    public required int bpf { get; init; }
    public required int perf_event_open { get; init; }
    public required int add_key { get; init; }
    public required int request_key { get; init; }
    public required int keyctl { get; init; }
    public required int userfaultfd { get; init; }
    public required int mount { get; init; }
    public required int umount2 { get; init; }
    public required int pivot_root { get; init; }
    public required int open_by_handle_at { get; init; }
    public required int name_to_handle_at { get; init; }
    public required int init_module { get; init; }
    public required int finit_module { get; init; }
    public required int delete_module { get; init; }
    public required int swapon { get; init; }
    public required int swapoff { get; init; }
    public required int reboot { get; init; }
    public required int acct { get; init; }
    public required int iopl { get; init; }
    public required int ioperm { get; init; }
    public required int vhangup { get; init; }
    public required int prlimit64 { get; init; }
    public required int socketpair { get; init; }
    public required int creat { get; init; }
    public required int chmod { get; init; }
    public required int fchmod { get; init; }
    public required int fchmodat { get; init; }
    public required int mknod { get; init; }
    public required int mknodat { get; init; }
    public required int open { get; init; }
    public required int openat { get; init; }

    /// <summary>
    /// clone(2)'s flags argument: 0 on x86_64 and on arm64 (CLONE_BACKWARDS moves only tls and child_tid), 1 where
    /// CLONE_BACKWARDS2 puts the stack first (s390).
    /// </summary>
    public required int CloneFlagsArgument { get; init; }
    public required int clone { get; init; }
    public required int unshare { get; init; }

    // System V IPC and POSIX message queues (SeccompFilterBuilder.EmitSharedIpc).
    public required int shmget { get; init; }
    public required int shmat { get; init; }
    public required int shmctl { get; init; }
    public required int semget { get; init; }
    public required int semop { get; init; }
    public required int semtimedop { get; init; }
    public required int semctl { get; init; }
    public required int msgget { get; init; }
    public required int msgsnd { get; init; }
    public required int msgrcv { get; init; }
    public required int msgctl { get; init; }
    public required int mq_open { get; init; }
    public required int mq_unlink { get; init; }
    public required int mq_timedsend { get; init; }
    public required int mq_timedreceive { get; init; }
    public required int mq_notify { get; init; }
    public required int mq_getsetattr { get; init; }
}
