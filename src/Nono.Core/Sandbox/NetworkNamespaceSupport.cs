namespace Nono.Core.Sandbox;

/// <summary>
/// Whether this process can give a sandbox a private network namespace, found by actually trying it in a forked child
/// (<see cref="SandboxLauncher.ProbeNetworkNamespace"/>), or forced (<c>NONO_NETWORK_TIER</c>). When it cannot,
/// <see cref="Reason"/> names the failed step and <see cref="Remedy"/> what would fix it.
/// </summary>
public sealed record NetworkNamespaceSupport
{
    /// <summary>Path of the AppArmor sysctl that Ubuntu 23.10+ sets to restrict unprivileged user namespaces.</summary>
    public const string AppArmorSysctl = "/proc/sys/kernel/apparmor_restrict_unprivileged_userns";

    /// <summary>The step that creates the namespaces, as failures name it.</summary>
    public const string CloneStep = "clone(CLONE_NEWUSER|CLONE_NEWNET|CLONE_NEWIPC)";

    /// <summary>The same step with the PID-namespace tier's flags in the clone.</summary>
    public const string CloneWithPidnsStep = "clone(CLONE_NEWUSER|CLONE_NEWNET|CLONE_NEWIPC|CLONE_NEWPID|CLONE_NEWNS)";

    /// <summary>Whether the namespace (user + net, id maps, <c>lo</c> up) can be set up.</summary>
    public required bool Available { get; init; }

    /// <summary>Why not, one line (empty when available).</summary>
    public string Reason { get; init; } = "";

    /// <summary>What would make it available, or null when nothing specific applies.</summary>
    public string? Remedy { get; init; }

    /// <summary>True when AppArmor's unprivileged-userns restriction is what stopped it.</summary>
    public bool AppArmorRestricted { get; init; }

    /// <summary>The namespace works.</summary>
    public static NetworkNamespaceSupport Works { get; } = new() { Available = true };

    /// <summary>Not available for a reason that is not a failed step (forced, unsupported caller).</summary>
    public static NetworkNamespaceSupport Unavailable(string reason) => new() { Available = false, Reason = reason };

    /// <summary>
    /// Diagnoses a failed namespace step. The AppArmor case is named only when the sysctl is present and 1 and the
    /// failure is EPERM/EACCES at the clone or at a step after it (there the namespace exists but has no capabilities).
    /// </summary>
    /// <param name="step">The failed step (syscall) as a user reads it.</param>
    /// <param name="errno">The kernel's errno.</param>
    /// <param name="afterUnshare">Whether the failed step came after the namespace was created (a successful clone).</param>
    /// <param name="appArmorSysctlValue">The sysctl's value, or null when absent.</param>
    /// <param name="executable">The nono binary an AppArmor profile would have to name.</param>
    public static NetworkNamespaceSupport FromFailure(string step, int errno, bool afterUnshare, string? appArmorSysctlValue, string executable)
    {
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(executable);
        string error = $"{System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";
        bool apparmor = appArmorSysctlValue == "1" && errno is 1 or 13;
        if (apparmor)
        {
            string what = afterUnshare
                ? "AppArmor (kernel.apparmor_restrict_unprivileged_userns=1) let the user namespace be created but stripped its capabilities"
                : "AppArmor (kernel.apparmor_restrict_unprivileged_userns=1) refused the user namespace";
            return new NetworkNamespaceSupport
            {
                Available = false,
                AppArmorRestricted = true,
                Reason = $"user namespaces unusable: {step} failed: {error}; {what}",
                Remedy = $"grant 'userns' to {executable} with an AppArmor profile, not by switching the restriction off machine-wide: "
                    + $"write /etc/apparmor.d/nono containing [{AppArmorProfile(executable).ReplaceLineEndings(" ").Trim()}] "
                    + "and load it with 'sudo apparmor_parser -r /etc/apparmor.d/nono' (docs/network-tiers.md)",
            };
        }

        string? remedy = (step, errno) switch
        {
            (CloneStep, 28) => "raise user.max_user_namespaces, user.max_net_namespaces and user.max_ipc_namespaces (one is 0 or exhausted)",
            (CloneStep, 22) => "the kernel lacks user or network namespace support (CONFIG_USER_NS, CONFIG_NET_NS)",
            (CloneWithPidnsStep, 28) => "raise user.max_user_namespaces, user.max_net_namespaces, user.max_ipc_namespaces, user.max_pid_namespaces and user.max_mnt_namespaces (one is 0 or exhausted)",
            (CloneWithPidnsStep, 22) => "the kernel lacks user, network, PID or mount namespace support (CONFIG_USER_NS, CONFIG_NET_NS, CONFIG_PID_NS)",
            (CloneStep or CloneWithPidnsStep, 1) => "user namespaces are disabled (kernel.unprivileged_userns_clone=0, a container's seccomp profile, or a nested user namespace limit); allow them for nono",
            _ => null,
        };
        return new NetworkNamespaceSupport { Available = false, Reason = $"user namespaces unusable: {step} failed: {error}", Remedy = remedy };
    }

    /// <summary>The AppArmor profile that lets <paramref name="executable"/> create user namespaces with capabilities.</summary>
    public static string AppArmorProfile(string executable) =>
        $$"""
        abi <abi/4.0>,
        include <tunables/global>

        profile nono {{executable}} flags=(unconfined) {
          userns,
          include if exists <local/nono>
        }
        """;

    /// <summary>The one-line explanation for users: reason, then the remedy when there is one.</summary>
    public override string ToString() =>
        Available ? "network namespace: available" : Remedy is null ? Reason : $"{Reason}; remedy: {Remedy}";
}
