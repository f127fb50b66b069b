namespace Nono.Core.Sandbox;

/// <summary>What the planner may use: the probed kernel support and the user's explicit weaker-mode opt-ins.</summary>
public sealed record EnforcementOptions
{
    /// <summary>The probed (possibly ABI-capped) kernel support.</summary>
    public required SandboxSupport Support { get; init; }

    /// <summary>Weaker modes the user explicitly opted into; anything else unenforceable is a problem.</summary>
    public IReadOnlySet<WeakerMode> AllowedWeakerModes { get; init; } = new HashSet<WeakerMode>();

    /// <summary>
    /// Whether a private network namespace can be used (<see cref="SandboxLauncher.ProbeNetworkNamespace"/>). Null: not
    /// probed, treated as unavailable (e.g. <c>nono wrap</c>, whose multithreaded process cannot unshare a user namespace).
    /// </summary>
    public NetworkNamespaceSupport? NetworkNamespace { get; init; }

    /// <summary>
    /// The process containment to use, as chosen by the caller from <see cref="ProcessContainmentSupport"/> (or forced).
    /// Default: direct child only (e.g. <c>nono wrap</c>, which leaves no supervisor).
    /// </summary>
    public ProcessContainment Containment { get; init; } = ProcessContainment.DirectChild;

    /// <summary>
    /// Whether the command's stdin, stdout or stderr is a terminal. The pidns containment then keeps the command in nono's
    /// session (setsid would take the terminal from interactive programs), so it no longer scopes signals.
    /// </summary>
    public bool TerminalAttached { get; init; }

    /// <summary>
    /// The names of the terminals on stdin, stdout and stderr (<see cref="StdioTerminal.Devices"/>). Without the pidns
    /// containment's private devpts, the /dev/pts grant is narrowed to those under /dev/pts.
    /// </summary>
    public IReadOnlyList<string> TerminalDevices { get; init; } = [];

    /// <summary>
    /// Whether the command would run as root outside a user namespace of nono's (any tier but the netns one): it then loses
    /// every capability at exec unless <see cref="WeakerMode.RootCapabilities"/> is allowed.
    /// </summary>
    public bool RunsAsRoot { get; init; } = OperatingSystem.IsLinux() && Interop.Interop.GetUid() == 0;

    /// <summary>
    /// Whether a supervisor (<c>nono run</c>) stays to answer the sandbox's mode, owner, time and xattr calls (see
    /// <see cref="SandboxPlan.SupervisesMetadata"/>). False for <c>nono wrap</c>, whose plan then says they are not confined.
    /// </summary>
    public bool MetadataSupervisor { get; init; }

    /// <summary>
    /// The root-only walk started ahead of the plan (<see cref="RootOnlyPrefetch.StartForRoot"/>), or null: the plan then
    /// walks itself. The plan uses it only where it is exactly the walk it would make.
    /// </summary>
    public RootOnlyPrefetch? RootOnlyPrefetch { get; init; }
}
