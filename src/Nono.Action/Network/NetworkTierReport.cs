using System.Runtime.Versioning;
using Nono.Core.Capabilities;
using Nono.Core.Sandbox;

namespace Nono.Action.Network;

/// <summary>What <c>nono setup --check-only</c> says about network enforcement on this machine.</summary>
[SupportedOSPlatform("linux")]
internal sealed record NetworkTierReport(NetworkNamespaceSupport Namespace, string ProxyTier, string BlockTier)
{
    /// <summary>
    /// Probes for real (or takes the forced answer from <c>NONO_NETWORK_TIER</c>) and names the tier each mode would get.
    /// Unlike <c>nono run</c> it never takes <see cref="NamespaceEvidence"/> on trust: it is the diagnosis.
    /// </summary>
    public static NetworkTierReport Create(Cli.CliContext context, SandboxSupport support)
    {
        ArgumentNullException.ThrowIfNull(support);
        List<string> problems = [];
        NetworkNamespaceSupport ns = RunNetwork.ProbeNamespace(context, problems, trustEvidence: false);
        NetworkTier proxy = SandboxPlanner.ChooseNetworkTier(NetworkMode.Proxy, ns);
        string proxyTier = proxy == NetworkTier.IsolatedNamespace
            ? NetworkTiers.Name(proxy)
            : support.LandlockAbi >= 4
                ? $"{NetworkTiers.Name(proxy)} (weaker; only with --allow-weaker {WeakerModes.Name(WeakerMode.ProxyWithoutNetns)})"
                : "none: refused (no network namespace and Landlock ABI < 4)";
        return new NetworkTierReport(ns, proxyTier, NetworkTiers.Name(SandboxPlanner.ChooseNetworkTier(NetworkMode.Block, ns)));
    }

    /// <summary>Human-readable lines.</summary>
    public IEnumerable<string> Describe()
    {
        yield return Namespace.Available ? "network namespace: available" : $"network namespace: NOT available: {Namespace}";
        yield return $"network tier, proxy mode: {ProxyTier}";
        yield return $"network tier, --block-net: {BlockTier}";
    }
}
