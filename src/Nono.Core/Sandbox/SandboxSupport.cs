using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Nono.Core.Sandbox.Interop;
using static Nono.Core.Sandbox.Interop.Interop;

namespace Nono.Core.Sandbox;

/// <summary>
/// What the running kernel can enforce, probed by feature (never by version string). A cap on the
/// Landlock ABI makes Nono behave exactly as on an older kernel.
/// </summary>
public sealed record SandboxSupport
{
    /// <summary>The kernel release (uname -r).</summary>
    public required string KernelRelease { get; init; }

    /// <summary>The process architecture (x64, arm64, ...).</summary>
    public required string Architecture { get; init; }

    /// <summary>Whether Nono has syscall tables for this architecture.</summary>
    public required bool ArchitectureSupported { get; init; }

    /// <summary>The Landlock ABI the kernel reports (0: no Landlock).</summary>
    public required int KernelLandlockAbi { get; init; }

    /// <summary>The cap requested through <c>--landlock-abi</c> / <c>NONO_LANDLOCK_ABI_MAX</c>, if any.</summary>
    public int? LandlockAbiCap { get; init; }

    /// <summary>The ABI Nono uses: the kernel's, lowered to the cap.</summary>
    public int LandlockAbi => LandlockAbiCap is int cap ? Math.Min(cap, KernelLandlockAbi) : KernelLandlockAbi;

    /// <summary>Whether seccomp filters with SECCOMP_RET_ERRNO are available.</summary>
    public required bool SeccompFilter { get; init; }

    /// <summary>Whether seccomp user notification (SECCOMP_RET_USER_NOTIF) is available.</summary>
    public required bool SeccompUserNotification { get; init; }

    /// <summary>Whether an unprivileged process may create a user namespace.</summary>
    public required bool UnprivilegedUserNamespaces { get; init; }

    /// <summary>Which sysctl decided <see cref="UnprivilegedUserNamespaces"/>.</summary>
    public required string UserNamespaceDetail { get; init; }

    /// <summary>Whether a cgroup v2 hierarchy is mounted (at /sys/fs/cgroup, or beside v1 on hybrid hosts).</summary>
    public bool CgroupV2 => CgroupV2MountPoint is not null;

    /// <summary>Where the cgroup v2 hierarchy is mounted, or null when there is none (read on first use: `run` never asks).</summary>
    public string? CgroupV2MountPoint => _cgroup2MountPoint.Value;

    private readonly Lazy<string?> _cgroup2MountPoint = new(() => OperatingSystem.IsLinux() ? CgroupLeaf.Cgroup2MountPoint() : null);

    /// <summary>The tier <see cref="LandlockAbi"/> allows.</summary>
    public SandboxTier Tier => LandlockRights.TierFor(LandlockAbi);

    /// <summary>Whether a sandbox can be enforced at all without a weaker-mode opt-in (Landlock and seccomp present).</summary>
    public bool CanEnforce => ArchitectureSupported && SeccompFilter && LandlockAbi >= 1;

    /// <summary>Landlock filesystem rights enforceable at <see cref="LandlockAbi"/>.</summary>
    public IReadOnlyList<string> FsRights => LandlockRights.FsRightNames(LandlockRights.FsRights(LandlockAbi));

    /// <summary>Landlock network rights enforceable at <see cref="LandlockAbi"/>.</summary>
    public IReadOnlyList<string> NetRights => LandlockRights.NetRightNames(LandlockRights.NetRights(LandlockAbi));

    /// <summary>Landlock scopes enforceable at <see cref="LandlockAbi"/>.</summary>
    public IReadOnlyList<string> Scopes => LandlockRights.ScopeNames(LandlockRights.Scopes(LandlockAbi));

    /// <summary>Probes the running kernel. <paramref name="maxAbi"/> caps the Landlock ABI (0 disables Landlock).</summary>
    [SupportedOSPlatform("linux")]
    public static SandboxSupport Probe(int? maxAbi = null)
    {
        if (maxAbi is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxAbi), "the Landlock ABI cap must be 0 or more");
        }

        bool arch = SyscallNumbers.IsSupportedArchitecture;
        string actions = ReadSysctl("/proc/sys/kernel/seccomp/actions_avail") ?? "";
        string[] available = actions.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        (bool userns, string detail) = ProbeUserNamespaces();
        return new SandboxSupport
        {
            KernelRelease = ReadSysctl("/proc/sys/kernel/osrelease") ?? "unknown",
            Architecture = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant(),
            ArchitectureSupported = arch,
            KernelLandlockAbi = arch ? LandlockAbiVersion() : 0,
            LandlockAbiCap = maxAbi,
            SeccompFilter = arch && SeccompAvailable() && available.Contains("errno") && available.Contains("kill_process"),
            SeccompUserNotification = available.Contains("user_notif"),
            UnprivilegedUserNamespaces = userns,
            UserNamespaceDetail = detail,
        };
    }

    /// <summary>The probe and the feature matrix as human-readable lines.</summary>
    public IEnumerable<string> Describe()
    {
        string cap = LandlockAbiCap is int c ? $" (kernel {KernelLandlockAbi}, capped at {c})" : "";
        yield return $"kernel: {KernelRelease} ({Architecture}{(ArchitectureSupported ? "" : ", unsupported architecture")})";
        yield return $"landlock ABI: {LandlockAbi}{cap}";
        yield return $"  filesystem rights: {Join(FsRights)}";
        yield return $"  network rights: {Join(NetRights)}";
        yield return $"  scopes: {Join(Scopes)}";
        yield return $"seccomp filter: {YesNo(SeccompFilter)}; user notification: {YesNo(SeccompUserNotification)}";
        yield return $"unprivileged user namespaces: {YesNo(UnprivilegedUserNamespaces)} ({UserNamespaceDetail})";
        yield return CgroupV2MountPoint is { } cgroup2 ? $"cgroup v2: yes (mounted at {cgroup2})" : "cgroup v2: no";
        yield return $"tier: {Tier}";
        yield return CanEnforce ? "sandbox: enforceable" : "sandbox: NOT enforceable without a weaker-mode opt-in";
    }

    private static string Join(IReadOnlyList<string> items) => items.Count == 0 ? "none" : string.Join(", ", items);

    private static string YesNo(bool value) => value ? "yes" : "no";

    private static (bool Allowed, string Detail) ProbeUserNamespaces()
    {
        string? max = ReadSysctl("/proc/sys/user/max_user_namespaces");
        if (max is null || max == "0")
        {
            return (false, $"user.max_user_namespaces={max ?? "absent"}");
        }

        if (ReadSysctl("/proc/sys/kernel/unprivileged_userns_clone") is string clone && clone != "1")
        {
            return (false, $"kernel.unprivileged_userns_clone={clone}");
        }

        if (ReadSysctl("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") is string apparmor && apparmor != "0")
        {
            return (false, $"kernel.apparmor_restrict_unprivileged_userns={apparmor}");
        }

        return (true, $"user.max_user_namespaces={max}");
    }

    private static string? ReadSysctl(string path) => ProcText.Read(path)?.Trim();
}
