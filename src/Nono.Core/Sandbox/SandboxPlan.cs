using Nono.Core.Capabilities;

namespace Nono.Core.Sandbox;

/// <summary>
/// The exact kernel configuration to apply: Landlock rights and rules, network handling, scopes and the
/// seccomp policy, plus which tier and which weaker modes are in force. Produced by <see cref="SandboxPlanner"/>.
/// </summary>
public sealed partial record SandboxPlan
{
    /// <summary>The capability set this plan enforces.</summary>
    public required CapabilitySet Capabilities { get; init; }

    /// <summary>The tier in force.</summary>
    public required SandboxTier Tier { get; init; }

    /// <summary>The Landlock ABI used (0: no Landlock).</summary>
    public required int LandlockAbi { get; init; }

    /// <summary>Weaker modes in force (each one explicitly opted into).</summary>
    public required IReadOnlyList<WeakerMode> WeakerModes { get; init; }

    /// <summary>How the network restriction is enforced (see <see cref="Sandbox.NetworkTier"/>).</summary>
    public NetworkTier NetworkTier { get; init; } = NetworkTier.Unrestricted;

    /// <summary>What keeps the process tree from outliving nono (see <see cref="ProcessContainment"/>).</summary>
    public ProcessContainment Containment { get; init; } = ProcessContainment.DirectChild;

    /// <summary>
    /// Whether the PID namespace's init calls setsid before it starts the command (pidns containment, no terminal on the
    /// command's stdin, stdout or stderr): nothing in the namespace then shares a process group or session with nono or a
    /// host process, so kill(0) and terminal signals stay inside. It also leaves the command without a controlling terminal.
    /// </summary>
    public bool OwnSession { get; init; }

    /// <summary>
    /// Whether nono performs the command's mode, owner, time and xattr calls itself, only inside writable grants (Landlock
    /// has no right for them): the cgroup and direct-child containments of <c>nono run</c>.
    /// </summary>
    public bool SupervisesMetadata { get; init; }

    /// <summary>Why those calls are not confined (<c>nono wrap</c>, or the opt-in), or null.</summary>
    public string? MetadataNotConfined { get; init; }

    /// <summary>
    /// Whether the filter refuses unshare and clone with CLONE_NEWUSER (every sandbox with seccomp, unless
    /// <see cref="WeakerMode.NestedUserNamespaces"/>).
    /// </summary>
    public bool RefusesUserNamespaces { get; init; }

    /// <summary>
    /// Whether the filter refuses System V IPC and POSIX message queues: the cgroup and direct-child containments without
    /// the network-namespace tier, which share the host's IPC namespace (unless <see cref="WeakerMode.SharedIpc"/>).
    /// </summary>
    public bool RefusesSharedIpc { get; init; }

    /// <summary>Whether the seccomp filter is installed.</summary>
    public required bool Seccomp { get; init; }

    /// <summary>
    /// The command runs as root without a user namespace of nono's and drops every capability at exec (unless
    /// <see cref="WeakerMode.RootCapabilities"/>): a root command that needs one fails with EPERM.
    /// </summary>
    public bool DropsRootCapabilities { get; init; }

    /// <summary>
    /// Landlock scopes this ABI lacks that a namespace provides instead, one line each (e.g. "signals scoped by the PID
    /// namespace (Landlock ABI 4 has no signal scoping)"); shown by --dry-run and setup, and recorded in the audit record.
    /// </summary>
    public IReadOnlyList<string> NamespaceScopes { get; init; } = [];

    /// <summary>Facts about how the policy was expressed (denies carved out, grants removed), one line each.</summary>
    public required IReadOnlyList<string> Notes { get; init; }

    /// <summary>
    /// Entries that carving would have granted but that are withheld because they may be another name of a denied file,
    /// one line each. Reported on every run, not only with --verbose: the command sees less than the policy states.
    /// </summary>
    public IReadOnlyList<string> Withheld { get; init; } = [];

    internal LandlockFs HandledFs { get; init; }

    internal ulong HandledNet { get; init; }

    internal ulong Scoped { get; init; }

    internal IReadOnlyList<LandlockPathRule> PathRules { get; init; } = [];

    /// <summary>Denies inside a carved directory grant (the one that carved it, and any that removed a listed sibling), each once.</summary>
    internal IReadOnlyList<string> CarvedDenies { get; init; } = [];

    /// <summary>The inodes of <see cref="CarvedDenies"/> and the directories above them when planned.</summary>
    internal IReadOnlyCollection<Interop.FileIdentity> CarvedDenyIdentities { get; init; } = [];

    /// <summary>The carved denies that were directories when planned, with their inodes (<see cref="DeniedLinks"/>).</summary>
    internal IReadOnlyDictionary<string, Interop.FileIdentity> CarvedDenyRoots { get; init; } = new Dictionary<string, Interop.FileIdentity>();

    /// <summary>The host's mount table when planned (/proc/self/mountinfo, in mount order); empty when not read.</summary>
    internal IReadOnlyList<HostMount> HostMounts { get; init; } = [];

    /// <summary>TCP ports the sandbox may connect to (Landlock NET_CONNECT_TCP rules).</summary>
    internal IReadOnlyList<int> ConnectPorts { get; init; } = [];

    /// <summary>TCP ports the sandbox may bind (Landlock NET_BIND_TCP rules; 0 is "an ephemeral port").</summary>
    internal IReadOnlyList<int> BindPorts { get; init; } = [];

    /// <summary>Human-readable lines for <c>--dry-run</c>.</summary>
    public IEnumerable<string> Describe()
    {
        yield return $"tier: {Tier} (landlock ABI {LandlockAbi})";
        yield return WeakerModes.Count == 0
            ? "weaker modes: none"
            : $"weaker modes IN FORCE: {string.Join(", ", WeakerModes.Select(Sandbox.WeakerModes.Name))}";
        yield return NetworkTiers.Describe(NetworkTier);
        yield return ProcessContainments.Describe(Containment);
        if (DropsRootCapabilities)
        {
            yield return $"capabilities: all dropped (root command outside a user namespace; --allow-weaker {Sandbox.WeakerModes.Name(WeakerMode.RootCapabilities)} keeps them)";
        }

        if (Containment == ProcessContainment.PidNamespace)
        {
            yield return OwnSession
                ? "  session: its own (setsid in the namespace's init; no controlling terminal)"
                : "  session: nono's (a terminal is on stdin, stdout or stderr; the command keeps it)";
            yield return WritableMounts.Describe(PathRules);
        }

        if (LandlockAbi > 0)
        {
            yield return $"landlock handled fs: {string.Join(",", LandlockRights.FsRightNames(HandledFs))}";
            foreach (LandlockPathRule rule in PathRules)
            {
                yield return $"  allow {(rule.IsFile ? "file" : "dir ")} {rule.Path}: {Summarize(rule.Access)}  [{rule.Source}]";
            }

            yield return HandledNet == 0
                ? "landlock network: not handled"
                : $"landlock network: {string.Join(",", LandlockRights.NetRightNames(HandledNet))} handled; connect allowed to: {(ConnectPorts.Count == 0 ? "none" : string.Join(",", ConnectPorts))}; bind: {(BindPorts.Count == 0 ? "none" : string.Join(",", BindPorts.Select(p => p == 0 ? "ephemeral" : p.ToString(System.Globalization.CultureInfo.InvariantCulture))))}";
            yield return $"landlock scopes: {(Scoped == 0 ? "none" : string.Join(",", LandlockRights.ScopeNames(Scoped)))}";
            foreach (string scope in NamespaceScopes)
            {
                yield return $"  {scope}";
            }
        }
        else
        {
            yield return "landlock: NOT AVAILABLE - filesystem is not confined";
        }

        yield return Seccomp
            ? $"seccomp: deny ptrace/process_vm/io_uring/kernel-admin syscalls, ioctl-only opens (access mode 3, which Landlock does not check: {(LandlockAbi < 5 ? "any file or device" : "regular files")}; openat2 falls back to openat); sockets: {SocketSummary()}"
            : "seccomp: NOT AVAILABLE - no syscall filtering";
        foreach (string line in IsolationLines())
        {
            yield return line;
        }

        if (SupervisesMetadata)
        {
            yield return "metadata: mode, owner, time and xattr changes outside the writable grants refused (supervised by nono)";
        }
        else if (MetadataNotConfined is string why)
        {
            yield return $"metadata: mode, owner, time and xattr changes NOT confined ({why})";
        }

        foreach (string note in Notes)
        {
            yield return $"note: {note}";
        }

        foreach (string line in Withheld)
        {
            yield return $"withheld: {line}";
        }
    }

    private IEnumerable<string> IsolationLines()
    {
        if (!Seccomp)
        {
            yield break;
        }

        yield return RefusesUserNamespaces
            ? "user namespaces: refused (unshare and clone with CLONE_NEWUSER fail with EPERM)"
            : $"user namespaces: ALLOWED (--allow-weaker {Sandbox.WeakerModes.Name(WeakerMode.NestedUserNamespaces)}; the command can hold every capability in one of its own)";
        yield return Containment == ProcessContainment.PidNamespace || NetworkTier == NetworkTier.IsolatedNamespace
            ? "ipc: a private IPC namespace (System V IPC and POSIX message queues reach only the sandbox's own)"
            : RefusesSharedIpc
                ? "ipc: System V IPC and POSIX message queues refused (this containment shares the host's IPC namespace)"
                : $"ipc: System V IPC and POSIX message queues SHARED with the host (--allow-weaker {Sandbox.WeakerModes.Name(WeakerMode.SharedIpc)})";
        if (SharedShmLine() is string shm)
        {
            yield return shm;
        }

        if (SysvIpcListingLine() is string sysvipc)
        {
            yield return sysvipc;
        }
    }

    private string SocketSummary()
    {
        string unix = Capabilities.AllowUnixSockets ? "AF_UNIX allowed" : "AF_UNIX denied";
        return Capabilities.Network switch
        {
            NetworkMode.Block => $"all families denied ({unix})",
            NetworkMode.Proxy => $"only TCP stream sockets ({unix})",
            _ => $"unrestricted ({unix})",
        };
    }

    private static string Summarize(LandlockFs access)
    {
        List<string> parts = [];
        if ((access & LandlockFs.ReadFile) != 0)
        {
            parts.Add("read+exec");
        }

        if ((access & LandlockFs.WriteFile) != 0)
        {
            parts.Add("write");
        }

        if ((access & LandlockFs.MakeReg) != 0)
        {
            parts.Add("create/remove");
        }

        if ((access & LandlockFs.Refer) != 0)
        {
            parts.Add("refer");
        }

        if ((access & LandlockFs.Truncate) != 0)
        {
            parts.Add("truncate");
        }

        if ((access & LandlockFs.IoctlDev) != 0)
        {
            parts.Add("ioctl-dev");
        }

        return parts.Count == 0 ? "none" : string.Join(" ", parts);
    }
}
