using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Nono.Core.Proxy;

/// <summary>Everything the egress proxy enforces, fully resolved by the caller (profiles already expanded).</summary>
public sealed record ProxyOptions
{
    /// <summary>
    /// Allowed hosts: exact names, <c>*.suffix</c> patterns, or IP literals (<c>[v6addr]</c>), each optionally with
    /// <c>:PORT</c>. Without a port an entry opens only CONNECT to 443 and plain HTTP to 80. Single-label names only when listed exactly.
    /// </summary>
    public IReadOnlyList<string> AllowedHosts { get; init; } = [];

    /// <summary>
    /// Recording (audit) mode: every host name passes the allow-list, and every request is recorded as usual so the
    /// record shows what an allow-list would need. Metadata names and the address policy (link-local and metadata
    /// addresses always; loopback and private ranges unless permitted or mapped with a resolver override) still apply.
    /// </summary>
    public bool AllowAllHosts { get; init; }

    /// <summary>Normally denied address ranges that are permitted for allowed hosts.</summary>
    public PermittedAddresses PermittedAddresses { get; init; } = PermittedAddresses.None;

    /// <summary>Names mapped to addresses without DNS (<c>HOST=IP</c>).</summary>
    public IReadOnlyList<ResolverOverride> ResolverOverrides { get; init; } = [];

    /// <summary>An enterprise proxy (<c>http://host:port</c>) that outbound connections are tunnelled through.</summary>
    public Uri? UpstreamProxy { get; init; }

    /// <summary>Host patterns (<c>exact</c> or <c>*.suffix</c>) reached directly, not through <see cref="UpstreamProxy"/>.</summary>
    public IReadOnlyList<string> UpstreamProxyBypass { get; init; } = [];

    /// <summary>Credential routes.</summary>
    public IReadOnlyList<CredentialService> Services { get; init; } = [];

    /// <summary>The supervisor's environment, the only place <c>env://</c> credentials are read from.</summary>
    public IReadOnlyDictionary<string, string> SupervisorEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Roots trusted for TLS to credential-route upstreams. <see langword="null"/> (production) means the system store;
    /// tests pass the self-signed CA they created.
    /// </summary>
    public X509Certificate2Collection? UpstreamTrustRoots { get; init; }

    /// <summary>The loopback address to bind when no listening socket is handed in.</summary>
    public IPAddress BindAddress { get; init; } = IPAddress.Loopback;

    /// <summary>The port to bind (0 = any free port).</summary>
    public int Port { get; init; }

    /// <summary>Maximum concurrent client connections; further ones get 503.</summary>
    public int MaxConnections { get; init; } = 512;

    /// <summary>Maximum size of a request or response head (request line plus headers).</summary>
    public int MaxHeaderBytes { get; init; } = 64 * 1024;

    /// <summary>Timeout for resolving and connecting to an upstream.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>A connection or tunnel with no bytes in either direction for this long is closed.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Clock for timestamps and timeouts.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
