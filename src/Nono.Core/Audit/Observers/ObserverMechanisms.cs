namespace Nono.Core.Audit.Observers;

/// <summary>The names of the mechanisms that observe filesystem denials, as written in audit records.</summary>
public static class ObserverMechanisms
{
    /// <summary>Landlock's own audit records (ABI 7+), read from the kernel audit netlink multicast group.</summary>
    public const string LandlockAudit = "landlock-audit";

    /// <summary>A notify-only seccomp filter whose supervisor checks each path call against the policy.</summary>
    public const string SeccompObserver = "seccomp-observer";

    /// <summary>A notify-only seccomp filter that records the network calls the sandbox refuses (no path call).</summary>
    public const string SeccompNetworkRefusals = "seccomp-network-refusals";

    /// <summary>
    /// The supervisor of mode, owner, time and xattr calls (cgroup and direct-child containments): it performs them inside
    /// the writable grants and refuses (and records) them outside.
    /// </summary>
    public const string SeccompMetadata = "seccomp-metadata";
}
