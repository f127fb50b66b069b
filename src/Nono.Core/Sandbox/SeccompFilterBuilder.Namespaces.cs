using Nono.Core.Sandbox.Interop;
using static Nono.Core.Sandbox.Interop.Interop.Seccomp;

namespace Nono.Core.Sandbox;

internal static partial class SeccompFilterBuilder
{
    /// <summary>CLONE_NEWUSER: the same bit on every architecture, in the low word of the flags.</summary>
    internal const uint CLONE_NEWUSER = 0x10000000;

    /// <summary>
    /// A user namespace of its own gives the command every capability in it (review S4): Landlock and this filter still
    /// hold, but netfilter, mounts of its own and the rest of the code behind ns_capable become reachable, which is where
    /// most unprivileged kernel exploits start (Docker's default profile refuses it too). unshare and clone carrying
    /// CLONE_NEWUSER fail with EPERM; clone without it (fork, threads) passes, and clone3 is ENOSYS in every filter
    /// (<see cref="EmitProcessEscapes"/>), so glibc and runtimes use clone. Both flags arguments are unsigned longs of which
    /// the kernel reads the low word only (legacy clone truncates to 32 bits; unshare refuses unknown high bits), so the low
    /// word decides. The other CLONE_NEW* flags need CAP_SYS_ADMIN in the caller's user namespace, which the command does
    /// not hold (capabilities dropped, or an unprivileged user). Leaves the syscall number in A.
    /// </summary>
    private static void EmitUserNamespaces(List<sock_filter> p, ArchSyscalls arch)
    {
        EmitArgumentBits(p, arch.unshare, argument: 0, CLONE_NEWUSER);
        EmitArgumentBits(p, arch.clone, arch.CloneFlagsArgument, CLONE_NEWUSER);
    }

    /// <summary>
    /// The System V IPC and POSIX message-queue calls: in a containment without a private IPC namespace the command would
    /// share the host's, and reach by key or id the segments, semaphores and queues of every host process of its user
    /// (Landlock covers none of them). shmdt is left: it only unmaps an attachment of the caller's own, which it cannot
    /// have made without shmat. The mq_* calls after mq_open are refused too, so no inherited queue descriptor is usable.
    /// </summary>
    internal static IReadOnlyList<int> SharedIpcSyscalls(ArchSyscalls t) =>
    [
        t.shmget, t.shmat, t.shmctl,
        t.semget, t.semop, t.semtimedop, t.semctl,
        t.msgget, t.msgsnd, t.msgrcv, t.msgctl,
        t.mq_open, t.mq_unlink, t.mq_timedsend, t.mq_timedreceive, t.mq_notify, t.mq_getsetattr,
    ];

    /// <summary>Refuses <see cref="SharedIpcSyscalls"/> with EPERM. Leaves the syscall number in A.</summary>
    private static void EmitSharedIpc(List<sock_filter> p, ArchSyscalls arch)
    {
        foreach (int number in SharedIpcSyscalls(arch))
        {
            p.Add(Jeq((uint)number, 0, 1));
            p.Add(Ret(SECCOMP_RET_ERRNO | EPERM));
        }
    }

    /// <summary>EPERM when the low word of <paramref name="argument"/> of call <paramref name="number"/> has any of <paramref name="bits"/>. Leaves the syscall number in A.</summary>
    private static void EmitArgumentBits(List<sock_filter> p, int number, int argument, uint bits)
    {
        if (number < 0)
        {
            return;
        }

        p.Add(Jeq((uint)number, 0, 4));
        p.Add(Load(OffsetArgLow(argument)));
        p.Add(new sock_filter { code = BPF_JMP_JSET_K, jt = 0, jf = 1, k = bits });
        p.Add(Ret(SECCOMP_RET_ERRNO | EPERM));
        p.Add(Load(OffsetNr));
    }
}
