namespace Nono.Core.Sandbox;

/// <summary>Names of <see cref="NetworkTier"/> values as users read and type them (<c>NONO_NETWORK_TIER</c>).</summary>
public static class NetworkTiers
{
    /// <summary>The kebab-case name of <paramref name="tier"/>: <c>none</c>, <c>netns</c>, <c>landlock-tcp</c>, <c>seccomp-block</c>.</summary>
    public static string Name(NetworkTier tier) => tier switch
    {
        NetworkTier.Unrestricted => "none",
        NetworkTier.IsolatedNamespace => "netns",
        NetworkTier.LandlockTcpPort => "landlock-tcp",
        NetworkTier.SeccompBlock => "seccomp-block",
        _ => throw new ArgumentOutOfRangeException(nameof(tier)),
    };

    /// <summary>One line saying what the tier guarantees and, for the weaker one, what it does not.</summary>
    public static string Describe(NetworkTier tier) => tier switch
    {
        NetworkTier.Unrestricted => "network tier: none (network allowed)",
        NetworkTier.IsolatedNamespace => "network tier: netns (private network namespace with loopback only; only nono's proxy and its DNS trap, which refuses and records lookups, are reachable)",
        NetworkTier.LandlockTcpPort => "network tier: landlock-tcp (WEAKER: TCP connect limited to the proxy's port number on any address, so the same port on other hosts and on the host's loopback is reachable; listen() goes to nono's supervisor, which refuses it on a TCP socket not already listening (Landlock does not check listen's automatic bind); UDP/raw/other sockets denied by seccomp)",
        NetworkTier.SeccompBlock => "network tier: seccomp-block (every internet socket denied by seccomp)",
        _ => throw new ArgumentOutOfRangeException(nameof(tier)),
    };
}
