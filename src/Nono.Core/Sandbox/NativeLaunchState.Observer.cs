using static Nono.Core.Sandbox.Interop.Interop.Seccomp;

namespace Nono.Core.Sandbox;

// SAFETY: as NativeLaunchState.cs: every buffer comes from _memory (zeroed, freed only in Dispose, after the forks),
// sized exactly for its kernel struct on LP64 (see ChildObserver).
internal sealed unsafe partial class NativeLaunchState
{
    private const int LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON = 1 << 1;

    /// <summary>The filesystem observer the child hands its listener to, or null.</summary>
    public Audit.Observers.SeccompObserver? Observer { get; private set; }

    /// <summary>Proxy mode in the private network namespace: plain UDP sockets are allowed (every destination is inside it).</summary>
    private static bool NamespaceDatagrams(SandboxPlan plan) =>
        plan.NetworkTier == NetworkTier.IsolatedNamespace && plan.Capabilities.Network == Capabilities.NetworkMode.Proxy;

    /// <summary>
    /// The network refusals the observer's filter notifies and the enforcing filter then defers to it, or null: only
    /// when both filters are installed (if the observer's cannot be, the child fails, or, for an observer of refusals
    /// only, switches to the enforcing filter that refuses by itself) and the network is restricted. Both programs are built from the same inputs (<see cref="NetworkRefusals"/>).
    /// </summary>
    private static RecordedNetwork? RecordedNetworkFor(SandboxPlan plan, LaunchSpec spec) =>
        OperatingSystem.IsLinux() && plan.Seccomp && spec.Observer is { RecordsNetwork: true } && plan.Capabilities.Network != Capabilities.NetworkMode.Allow
            ? new RecordedNetwork(Interop.Interop.SyscallNumbers.Current, plan.Capabilities.Network, NamespaceDatagrams(plan),
                spec.Observer.GuardOnly ? null : LandlockConnectPorts(plan), ListenGuarded(plan))
            : null;

    /// <summary>
    /// The <c>landlock-tcp</c> tier in proxy mode: listen(2) goes to the supervisor (or fails, without one), because
    /// Landlock does not check the automatic bind of listen on an unbound TCP socket (SeccompObserver.Listen.cs).
    /// </summary>
    private static bool ListenGuarded(SandboxPlan plan) =>
        plan.NetworkTier == NetworkTier.LandlockTcpPort && plan.Capabilities.Network == Capabilities.NetworkMode.Proxy;

    /// <summary>
    /// In the <c>landlock-tcp</c> tier, the ports Landlock lets TCP connect to (the proxy's): every other TCP connect is
    /// refused there by Landlock, after seccomp, so the observer is notified of each connect to record those. Null elsewhere:
    /// in the namespace tier the DNS trap records, and in block mode internet sockets are refused at socket(2) already.
    /// </summary>
    private static IReadOnlyList<int>? LandlockConnectPorts(SandboxPlan plan) =>
        plan.NetworkTier == NetworkTier.LandlockTcpPort && plan.Capabilities.Network == Capabilities.NetworkMode.Proxy
            && (plan.HandledNet & LandlockRights.NetConnectTcp) != 0
            ? plan.ConnectPorts
            : null;

    /// <summary>
    /// landlock-audit records this session's denials: the child logs after execve and may not nest its own Landlock
    /// domain (see <see cref="SeccompFilterBuilder.Build"/>).
    /// </summary>
    private bool LandlockAuditRecords(SandboxPlan plan, LaunchSpec spec) =>
        spec.LandlockAuditLog && plan.LandlockAbi >= 7 && (Context->Flags & ChildContext.FlagLandlock) != 0;

    /// <summary>Landlock audit flags and, with an observer, the notify-only filter and the hand-over message.</summary>
    private void PrepareObserver(SandboxPlan plan, LaunchSpec spec, RecordedNetwork? recorded)
    {
        ChildContext* c = Context;
        c->ObserverFd = -1;
        if (LandlockAuditRecords(plan, spec))
        {
            // Landlock logs denials only until the first execve by default; the sandboxed command runs after it.
            c->LandlockRestrictFlags = LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON;
        }

        if (spec.Observer is null)
        {
            return;
        }

        Observer = spec.Observer;
        if (OperatingSystem.IsLinux())
        {
            spec.Observer.ExpectConnects(recorded?.ConnectPorts);
            spec.Observer.ExpectListens(recorded?.GuardListens == true);
            spec.Observer.ExpectMetadata(plan.SupervisesMetadata ? MetadataGrants.From(plan) : null);
        }

        sock_filter[] program = ObservedSyscalls.BuildFilter(Interop.Interop.SyscallNumbers.Current.AuditArch,
            !OperatingSystem.IsLinux() || spec.Observer.ObservesPaths ? ObservedSyscalls.Current : ObservedSyscalls.None, recorded, plan.SupervisesMetadata);
        sock_filter* filter = (sock_filter*)_memory.Allocate((nuint)(sizeof(sock_filter) * program.Length));
        program.AsSpan().CopyTo(new Span<sock_filter>(filter, program.Length));
        sock_fprog* fprog = (sock_fprog*)_memory.Allocate((nuint)sizeof(sock_fprog));
        fprog->len = checked((ushort)program.Length);
        fprog->filter = filter;
        c->ObserverProgram = fprog;
        c->ObserverMessage = OneDescriptorMessage((byte)'O');
        c->Flags |= ChildContext.FlagObserver;
    }

    /// <summary>A msghdr with one data byte and a control buffer for one SCM_RIGHTS descriptor (CMSG_DATA filled by the child).</summary>
    private Interop.Interop.msghdr_t* OneDescriptorMessage(byte tag)
    {
        Interop.Interop.msghdr_t* msg = (Interop.Interop.msghdr_t*)_memory.Allocate((nuint)sizeof(Interop.Interop.msghdr_t));
        Interop.Interop.iovec_t* iov = (Interop.Interop.iovec_t*)_memory.Allocate((nuint)sizeof(Interop.Interop.iovec_t));
        byte* data = (byte*)_memory.Allocate(1);
        *data = tag;
        iov->iov_base = data;
        iov->iov_len = 1;
        byte* control = (byte*)_memory.Allocate(Interop.Interop.CmsgSpaceOneFd);
        Interop.Interop.cmsghdr_t* header = (Interop.Interop.cmsghdr_t*)control;
        header->cmsg_len = Interop.Interop.CmsgLenOneFd;
        header->cmsg_level = Interop.Interop.SOL_SOCKET;
        header->cmsg_type = Interop.Interop.SCM_RIGHTS;
        msg->msg_iov = iov;
        msg->msg_iovlen = 1;
        msg->msg_control = control;
        msg->msg_controllen = Interop.Interop.CmsgSpaceOneFd;
        return msg;
    }
}
