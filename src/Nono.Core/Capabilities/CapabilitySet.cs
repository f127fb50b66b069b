namespace Nono.Core.Capabilities;

/// <summary>
/// Everything the sandbox is allowed to do, fully resolved: canonical paths, no variables, no profiles.
/// <c>Nono.Core</c> enforces exactly this; profiles and defaults are resolved by the caller.
/// </summary>
public sealed record CapabilitySet
{
    /// <summary>Filesystem allow rules.</summary>
    public IReadOnlyList<FsGrant> Grants { get; init; } = [];

    /// <summary>Paths that stay denied even beneath a grant.</summary>
    public IReadOnlyList<FsDeny> Denies { get; init; } = [];

    /// <summary>Network mode.</summary>
    public NetworkMode Network { get; init; } = NetworkMode.Allow;

    /// <summary>In <see cref="NetworkMode.Proxy"/>, the loopback TCP port of the proxy.</summary>
    public int? ProxyPort { get; init; }

    /// <summary>Whether the process may create UNIX-domain sockets (which can reach host services such as the Docker socket).</summary>
    public bool AllowUnixSockets { get; init; }
}
