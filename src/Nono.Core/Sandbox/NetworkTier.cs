namespace Nono.Core.Sandbox;

/// <summary>How the network restriction of a plan is enforced (recorded in the plan and the audit record).</summary>
public enum NetworkTier
{
    /// <summary>Network mode allow: nothing is restricted.</summary>
    Unrestricted,

    /// <summary>
    /// Preferred: a private user + network namespace holding only loopback. In proxy mode the proxy's listener is the
    /// only thing in it; in block mode <c>lo</c> stays down. Landlock and seccomp socket rules apply on top.
    /// </summary>
    IsolatedNamespace,

    /// <summary>
    /// Proxy-mode fallback (opt-in <c>proxy-without-netns</c>): Landlock lets TCP connect only to the proxy's port, seccomp
    /// denies every non-TCP internet socket. WEAKER: that port on any other host, and loopback services on it, are reachable.
    /// </summary>
    LandlockTcpPort,

    /// <summary>Block mode without a namespace: seccomp denies every socket family but UNIX (and UNIX too unless allowed).</summary>
    SeccompBlock,
}
