using Nono.Core.Capabilities;
using Nono.Core.Sandbox.Interop;
using static Nono.Core.Sandbox.Interop.Interop.Seccomp;
using static Nono.Core.Sandbox.Interop.Interop.SeccompNotify;

namespace Nono.Core.Sandbox;

/// <summary>
/// Builds the classic-BPF seccomp program every sandbox gets. Denied calls fail with EPERM (the process keeps
/// running and sees an ordinary error); a foreign architecture is killed outright.
/// </summary>
internal static partial class SeccompFilterBuilder
{
    private const int EPERM = 1;

    /// <summary>
    /// TIOCSTI, TIOCLINUX, TIOCSIG, TIOCVHANGUP and TIOCCONS (the same numbers on x86_64 and aarch64): refused on every
    /// descriptor.
    /// </summary>
    internal static readonly uint[] TerminalRequests = [0x5412, 0x541C, 0x40045436, 0x5437, 0x541D];

    /// <summary>TIOCSCTTY: allowed only with argument 0, never as a steal (argument nonzero, needs CAP_SYS_ADMIN).</summary>
    internal const uint TIOCSCTTY = 0x540E;

    /// <summary>The syscalls denied in every sandbox, each with the reason.</summary>
    public static IReadOnlyList<(int Number, string Name, string Reason)> DeniedSyscalls(ArchSyscalls t) =>
        new List<(int, string, string)>
        {
            // Reading or writing another process's memory. Landlock already blocks tracing a less-confined
            // process; this also stops the sandbox from tracing its own children to bypass the filter.
            (t.ptrace, "ptrace", "debugger access to other processes"),
            (t.process_vm_readv, "process_vm_readv", "reads another process's memory"),
            (t.process_vm_writev, "process_vm_writev", "writes another process's memory"),

            // io_uring performs file and socket operations from kernel workers that seccomp never sees,
            // and has been the largest single source of kernel privilege-escalation bugs.
            (Interop.Interop.SyscallNumbers.io_uring_setup, "io_uring_setup", "bypasses seccomp, large attack surface"),
            (Interop.Interop.SyscallNumbers.io_uring_enter, "io_uring_enter", "bypasses seccomp, large attack surface"),
            (Interop.Interop.SyscallNumbers.io_uring_register, "io_uring_register", "bypasses seccomp, large attack surface"),

            // Kernel administration a build or an agent has no business with.
            (t.kexec_load, "kexec_load", "replaces the running kernel"),
            (t.kexec_file_load, "kexec_file_load", "replaces the running kernel"),
            (t.init_module, "init_module", "loads kernel code"),
            (t.finit_module, "finit_module", "loads kernel code"),
            (t.delete_module, "delete_module", "unloads kernel code"),
            (t.bpf, "bpf", "eBPF programs and maps: kernel attack surface, can observe other processes"),
            (t.perf_event_open, "perf_event_open", "side channels and kernel attack surface"),
            (t.userfaultfd, "userfaultfd", "stalls kernel page faults, the usual race-exploit primitive"),
            (t.add_key, "add_key", "kernel keyrings are not namespaced and may hold the user's secrets"),
            (t.request_key, "request_key", "kernel keyrings are not namespaced and may hold the user's secrets"),
            (t.keyctl, "keyctl", "kernel keyrings are not namespaced and may hold the user's secrets"),
            (t.mount, "mount", "could remount paths to escape the Landlock view (root or user namespace)"),
            (t.umount2, "umount2", "could unmount paths to escape the Landlock view"),
            (t.pivot_root, "pivot_root", "changes the root filesystem"),
            (Interop.Interop.SyscallNumbers.open_tree, "open_tree", "new mount API"),
            (Interop.Interop.SyscallNumbers.move_mount, "move_mount", "new mount API"),
            (Interop.Interop.SyscallNumbers.fsopen, "fsopen", "new mount API"),
            (Interop.Interop.SyscallNumbers.fsconfig, "fsconfig", "new mount API"),
            (Interop.Interop.SyscallNumbers.fsmount, "fsmount", "new mount API"),
            (Interop.Interop.SyscallNumbers.fspick, "fspick", "new mount API"),
            (Interop.Interop.SyscallNumbers.mount_setattr, "mount_setattr", "new mount API"),
            (Interop.Interop.SyscallNumbers.open_tree_attr, "open_tree_attr", "new mount API"),
            (t.open_by_handle_at, "open_by_handle_at", "opens files by handle, bypassing path-based checks (the 'shocker' escape)"),
            (t.name_to_handle_at, "name_to_handle_at", "companion of open_by_handle_at"),
            (t.swapon, "swapon", "system administration"),
            (t.swapoff, "swapoff", "system administration"),
            (t.reboot, "reboot", "system administration"),
            (t.acct, "acct", "system administration"),
            (t.iopl, "iopl", "raw I/O port access"),
            (t.ioperm, "ioperm", "raw I/O port access"),

            // Hangs up the controlling terminal: as root on the user's terminal (attached, or stolen with TIOCSCTTY),
            // it ends the shell that started nono.
            (t.vhangup, "vhangup", "hangs up the controlling terminal, ending the user's shell"),
        }.Where(s => s.Item1 >= 0).ToList();

    /// <summary>
    /// Builds the program for <paramref name="arch"/>. <paramref name="namespaceDatagrams"/> (proxy mode in the private
    /// network namespace only) also allows plain UDP sockets: the namespace holds only <c>lo</c>, where every address is
    /// local, so a datagram can reach nothing but the namespace itself and the supervisor's DNS refuser on port 53.
    /// <paramref name="deferRefusals"/> is set only when the recording filter (<see cref="NetworkRefusals.EmitRecording"/>)
    /// is installed before this one in the same launch: the recordable network refusals then return ALLOW here, so that
    /// filter's USER_NOTIF decides (the supervisor always answers with an error), and <c>seccomp(2)</c> may not create
    /// another listener (the kernel allows one per filter chain only while ours is open; after it closes, a listener of
    /// the sandbox's own would outrank ours on a tie and could continue the deferred calls).
    /// <paramref name="guardListens"/> (the <c>landlock-tcp</c> tier): <see cref="NetworkRefusals.EmitListenGuard"/>.
    /// <paramref name="refuseIoctlOnlyOpens"/> (Landlock ABI &lt; 5) refuses opens Landlock does not check
    /// (<see cref="EmitIoctlOnlyOpens"/>). <paramref name="refuseNestedLandlock"/> (landlock-audit records the session):
    /// <c>landlock_restrict_self</c> fails with EPERM, because the kernel logs a denial against the nearest denying
    /// domain, and a domain the command nests itself (default flags, or LOG_SAME_EXEC_OFF) would log nothing.
    /// <paramref name="superviseMetadata"/> (the observer's filter sends the metadata calls to nono): the sandbox may not
    /// create a listener of its own, which could answer them, and setxattrat/removexattrat get ENOSYS
    /// (<see cref="MetadataSyscalls"/>). <paramref name="refuseUserNamespaces"/> (unless nested-user-namespaces):
    /// <see cref="EmitUserNamespaces"/>. <paramref name="refuseSharedIpc"/> (no private IPC namespace, unless shared-ipc):
    /// <see cref="EmitSharedIpc"/>.
    /// </summary>
    public static sock_filter[] Build(
        ArchSyscalls arch, NetworkMode network, bool allowUnixSockets, bool namespaceDatagrams = false, bool deferRefusals = false, bool guardListens = false,
        bool refuseIoctlOnlyOpens = false, bool refuseNestedLandlock = false, bool superviseMetadata = false, bool refuseUserNamespaces = true, bool refuseSharedIpc = false)
    {
        List<sock_filter> p = [];
        bool defer = deferRefusals && network != NetworkMode.Allow;

        // 1. Architecture first: syscall numbers mean different things under another ABI (i386 via int 0x80),
        //    so anything but the native architecture is killed before a number is looked at.
        p.Add(Load(OffsetArch));
        p.Add(Jeq(arch.AuditArch, 1, 0));
        p.Add(Ret(SECCOMP_RET_KILL_PROCESS));
        p.Add(Load(OffsetNr));

        // 2. x32 calls reach the same kernel entry points under numbers with bit 30 set: deny them all.
        if (arch.X32SyscallBit != 0)
        {
            p.Add(new sock_filter { code = BPF_JMP_JSET_K, jt = 0, jf = 1, k = arch.X32SyscallBit });
            p.Add(Ret(SECCOMP_RET_ERRNO | EPERM));
        }

        // 3. The always-denied list.
        foreach ((int number, _, _) in DeniedSyscalls(arch))
        {
            p.Add(Jeq((uint)number, 0, 1));
            p.Add(Ret(SECCOMP_RET_ERRNO | EPERM));
        }

        if (refuseNestedLandlock)
        {
            p.Add(Jeq((uint)Interop.Interop.SyscallNumbers.landlock_restrict_self, 0, 1));
            p.Add(Ret(SECCOMP_RET_ERRNO | EPERM));
        }

        // 3b. Terminal requests that act outside the sandbox, filesystem requests outside Landlock (FilesystemRequests).
        EmitRefusedRequests(p, arch);

        // 3c. Set-user-ID and set-group-ID modes (EmitSetIdModes).
        EmitSetIdModes(p, arch);

        // 3d. Calls that reach processes or cgroups outside the sandbox (EmitProcessEscapes).
        EmitProcessEscapes(p, arch, allowUnixSockets);
        if (refuseUserNamespaces)
        {
            EmitUserNamespaces(p, arch);
        }

        if (refuseSharedIpc)
        {
            EmitSharedIpc(p, arch);
        }

        if (refuseIoctlOnlyOpens)
        {
            EmitIoctlOnlyOpens(p, arch);
        }

        if (superviseMetadata)
        {
            foreach (int number in MetadataSyscalls.Unsupervised)
            {
                p.Add(Jeq((uint)number, 0, 1));
                p.Add(Ret(SECCOMP_RET_ERRNO | ENOSYS));
            }
        }

        if (defer || superviseMetadata)
        {
            NetworkRefusals.EmitFlag(p, arch.seccomp, flagsArgument: 1, (uint)SECCOMP_FILTER_FLAG_NEW_LISTENER, SECCOMP_RET_ERRNO | EPERM);
        }

        // 4. TCP Fast Open: sendto/sendmsg/sendmmsg with MSG_FASTOPEN and an address connect from inside the kernel,
        //    without the LSM connect hook Landlock's TCP port rule relies on (landlock-lsm/linux#41), so wherever
        //    Landlock limits connects (proxy and block mode, in every tier) the flag is denied. TCP_FASTOPEN_CONNECT
        //    needs nothing: its connect(2) passes the hook.
        if (network != NetworkMode.Allow)
        {
            foreach ((int number, int flagsArgument) in NetworkRefusals.FastOpenCalls(arch))
            {
                NetworkRefusals.EmitFlag(p, number, flagsArgument, NetworkRefusals.MSG_FASTOPEN, NetworkRefusals.EnforcingAction(defer));
            }
        }

        // 4b. listen(2) in the landlock-tcp tier: decided by the supervisor, or refused without one.
        NetworkRefusals.EmitListenGuard(p, arch, guardListens && network != NetworkMode.Allow, defer);

        // 5. socket(2): everything else is allowed. socketpair(2) stays allowed but for unbound datagram pairs
        //    (EmitProcessEscapes): it only connects the process to itself.
        p.Add(Jeq((uint)arch.socket, 1, 0));
        p.Add(Ret(SECCOMP_RET_ALLOW));
        p.Add(Load(OffsetArgLow(0)));
        // Pathname UNIX sockets (docker.sock, the runner's services) are not covered by Landlock ABI <= 7.
        p.Add(Jeq(NetworkRefusals.AF_UNIX, 0, 1));
        p.Add(Ret(allowUnixSockets ? SECCOMP_RET_ALLOW : SECCOMP_RET_ERRNO | EPERM));
        if (network == NetworkMode.Allow)
        {
            p.Add(Ret(SECCOMP_RET_ALLOW));
        }
        else
        {
            // Block: no network of any kind (every other family: PACKET, NETLINK, VSOCK, ..., raw sockets, MPTCP).
            // Proxy: plain TCP streams only (and plain UDP in the namespace tier).
            NetworkRefusals.EmitInetSocket(p, network, namespaceDatagrams,
                refused: NetworkRefusals.EnforcingAction(defer), allowed: SECCOMP_RET_ALLOW, otherFamilies: SECCOMP_RET_ERRNO | EPERM);
        }

        return [.. p];
    }

    /// <summary>
    /// TIOCSTI pushes bytes into a terminal's input queue (the shell that started nono reads them as typed: the bubblewrap
    /// escape, CVE-2017-5226), TIOCLINUX pastes a virtual console's selection into its input, TIOCSIG (on a pty master)
    /// signals the terminal's foreground process group, TIOCVHANGUP hangs a terminal up and TIOCCONS redirects the
    /// console to it. TIOCSCTTY with a nonzero argument steals a terminal that is another session's controlling terminal
    /// (root keeps CAP_SYS_ADMIN without a user namespace): with vhangup that ends the user's shell even when no terminal
    /// is on fds 0-2. TIOCSCTTY 0 stays: programs use it to give a new pty to their child. <see cref="FilesystemRequests"/>
    /// are refused the same way. The request is an unsigned int
    /// and TIOCSCTTY's argument an int: only the low words count, as in the kernel. Leaves the syscall number in A when
    /// the call is not ioctl.
    /// </summary>
    private static void EmitRefusedRequests(List<sock_filter> p, ArchSyscalls arch)
    {
        uint[] requests = RefusedRequests;
        int refused = requests.Length;
        p.Add(Jeq((uint)arch.ioctl, 0, checked((byte)(refused + 6))));
        p.Add(Load(OffsetArgLow(1)));
        for (int i = 0; i < refused; i++)
        {
            p.Add(Jeq(requests[i], (byte)(refused + 3 - i), 0));
        }

        p.Add(Jeq(TIOCSCTTY, 0, 2));
        p.Add(Load(OffsetArgLow(2)));
        p.Add(Jeq(0, 0, 1));
        p.Add(Ret(SECCOMP_RET_ALLOW));
        p.Add(Ret(SECCOMP_RET_ERRNO | EPERM));
    }

    internal static sock_filter Load(uint offset) => new() { code = BPF_LD_W_ABS, k = offset };

    internal static sock_filter Jeq(uint k, byte jt, byte jf) => new() { code = BPF_JMP_JEQ_K, jt = jt, jf = jf, k = k };

    internal static sock_filter Ret(uint k) => new() { code = BPF_RET_K, k = k };
}
