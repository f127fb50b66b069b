namespace Nono.Core.Capabilities;

/// <summary>How the sandboxed process may use the network.</summary>
public enum NetworkMode
{
    /// <summary>Unrestricted network (the Rust nono's default profile behaviour).</summary>
    Allow,

    /// <summary>No network of any kind.</summary>
    Block,

    /// <summary>Only Nono's proxy is reachable; the proxy decides per host.</summary>
    Proxy,
}
