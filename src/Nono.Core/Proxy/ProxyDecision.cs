namespace Nono.Core.Proxy;

/// <summary>What the proxy decided for one request.</summary>
public enum ProxyDecision
{
    /// <summary>The request was forwarded.</summary>
    Allowed,

    /// <summary>The request was refused by policy, authentication or a limit.</summary>
    Denied,

    /// <summary>The request was allowed but the upstream could not be reached or failed.</summary>
    UpstreamFailed,
}
