namespace Nono.Core.Sandbox;

/// <summary>
/// The enforcement tier a kernel (or an ABI cap) allows. Every tier also installs the seccomp filter
/// (dangerous syscalls, socket families).
/// </summary>
public enum SandboxTier
{
    /// <summary>No Landlock (ABI 0): seccomp only, the filesystem is NOT confined. Needs the <c>no-landlock</c> opt-in.</summary>
    SeccompOnly,

    /// <summary>Landlock ABI 1–3: filesystem rules; network limited only by seccomp's socket-family filter.</summary>
    LandlockV1Filesystem,

    /// <summary>Landlock ABI 4–5: filesystem plus TCP bind/connect port rules.</summary>
    LandlockV4Network,

    /// <summary>Landlock ABI 6+: filesystem, TCP ports, and signal / abstract UNIX socket scoping.</summary>
    LandlockV6Scoped,
}
