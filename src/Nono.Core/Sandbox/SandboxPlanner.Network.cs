using Nono.Core.Capabilities;

namespace Nono.Core.Sandbox;

public static partial class SandboxPlanner
{
    /// <summary>
    /// The network tier for <paramref name="mode"/>: the private namespace whenever it works; otherwise seccomp alone
    /// for block (it already denies every internet socket) and the weaker Landlock-port fallback for proxy (which the
    /// caller gates behind its opt-in).
    /// </summary>
    public static NetworkTier ChooseNetworkTier(NetworkMode mode, NetworkNamespaceSupport? netns) => mode switch
    {
        NetworkMode.Allow => NetworkTier.Unrestricted,
        NetworkMode.Block => netns?.Available == true ? NetworkTier.IsolatedNamespace : NetworkTier.SeccompBlock,
        NetworkMode.Proxy => netns?.Available == true ? NetworkTier.IsolatedNamespace : NetworkTier.LandlockTcpPort,
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };
}
