using Nono.Core.Sandbox.Interop;
using static Nono.Core.Sandbox.Interop.Interop.Seccomp;

namespace Nono.Core.Sandbox;

internal static partial class SeccompFilterBuilder
{
    private const uint SOCK_DGRAM = 2;
    private const uint SocketTypeMask = 0xf; // the type without SOCK_NONBLOCK and SOCK_CLOEXEC

    /// <summary>
    /// Calls that act on processes, cgroups or sockets outside the sandbox whatever Landlock says (review of session 11):
    /// <list type="bullet">
    /// <item>clone3 takes CLONE_INTO_CGROUP with a cgroup descriptor behind a pointer seccomp cannot read: a child could
    /// be started outside nono's cgroup leaf, where killing the session no longer reaches it. ENOSYS makes glibc and
    /// other runtimes fall back to clone(2), whose flags carry no cgroup.</item>
    /// <item>prlimit64 on another process (pid argument not 0): any process of the same user outside the sandbox could
    /// get RLIMIT_NOFILE 0 or RLIMIT_CPU 1 (ended by the kernel). Landlock's signal scoping does not cover it.
    /// The process's own limits (pid 0, what getrlimit/setrlimit pass) stay open.</item>
    /// <item>socketpair(AF_UNIX, SOCK_DGRAM) unless UNIX sockets are granted: an unbound datagram socket sends to any
    /// pathname address with sendto(2) (journald, syslog, a service's notify socket), and socket(2) of AF_UNIX is
    /// refused for exactly that reason. Stream and seqpacket pairs ignore a send address and stay allowed.</item>
    /// </list>
    /// Leaves the syscall number in A.
    /// </summary>
    private static void EmitProcessEscapes(List<sock_filter> p, ArchSyscalls arch, bool allowUnixSockets)
    {
        p.Add(Jeq((uint)Interop.Interop.SyscallNumbers.clone3, 0, 1));
        p.Add(Ret(SECCOMP_RET_ERRNO | ENOSYS));

        // pid_t is an int: only the low word counts, as in the kernel.
        p.Add(Jeq((uint)arch.prlimit64, 0, 4));
        p.Add(Load(OffsetArgLow(0)));
        p.Add(Jeq(0, 1, 0));
        p.Add(Ret(SECCOMP_RET_ERRNO | EPERM));
        p.Add(Load(OffsetNr));

        if (!allowUnixSockets)
        {
            p.Add(Jeq((uint)arch.socketpair, 0, 7));
            p.Add(Load(OffsetArgLow(0)));
            p.Add(Jeq(NetworkRefusals.AF_UNIX, 0, 4));
            p.Add(Load(OffsetArgLow(1)));
            p.Add(new sock_filter { code = BPF_ALU_AND_K, k = SocketTypeMask });
            p.Add(Jeq(SOCK_DGRAM, 0, 1));
            p.Add(Ret(SECCOMP_RET_ERRNO | EPERM));
            p.Add(Load(OffsetNr));
        }
    }
}
