using System.ComponentModel;

namespace Nono.Core.Policy;

/// <summary>Network policy as modeled in a profile. Enforcement belongs to the sandbox and the proxy.</summary>
public sealed record NetworkSection
{
    /// <summary>Block all network access.</summary>
    [Description("Block all network access.")]
    public bool? Block { get; init; }

    /// <summary>Hosts reachable through the egress proxy (exact host, '*.' suffix or [v6addr], optionally ':PORT').</summary>
    [Description("Hosts reachable through the egress proxy: exact names, '*.example.com' or '[v6addr]'; alone an entry opens ports 443 (CONNECT) and 80 (plain HTTP), 'host:PORT' opens that port instead.")]
    public IReadOnlyList<string> AllowDomain { get; init => field = value ?? []; } = [];

    /// <summary>Name of a proxy network profile.</summary>
    [Description("Name of an egress proxy network profile.")]
    public string? NetworkProfile { get; init; }

    /// <summary>Names of built-in credential services to inject.</summary>
    [Description("Built-in credential services the proxy injects (e.g. github, anthropic).")]
    public IReadOnlyList<string> Credentials { get; init => field = value ?? []; } = [];

    /// <summary>Built-in credential routes on which endpoints that mint a new credential are allowed (denied by default).</summary>
    [Description("Built-in credential routes (github, gitlab) on which endpoints that mint a new credential (access tokens, runner registrations, SSH and deploy keys) are allowed; denied by default.")]
    public IReadOnlyList<string> AllowTokenMinting { get; init => field = value ?? []; } = [];

    /// <summary>User-defined credential injection rules by name.</summary>
    [Description("User-defined credential injection rules, by name.")]
    public IReadOnlyDictionary<string, CustomCredential> CustomCredentials { get; init => field = value ?? new Dictionary<string, CustomCredential>(); } = new Dictionary<string, CustomCredential>();

    /// <summary>Static name resolution entries, each "HOST=IP".</summary>
    [Description("Static name resolution entries, each \"HOST=IP\".")]
    public IReadOnlyList<string> Resolve { get; init => field = value ?? []; } = [];

    /// <summary>Allow UNIX-domain sockets (they can reach host services such as the Docker socket).</summary>
    [Description("Allow UNIX-domain sockets, which can reach host services such as the Docker socket.")]
    public bool? AllowUnixSockets { get; init; }
}
