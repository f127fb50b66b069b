using Nono.Core.Policy;
using Nono.Core.Proxy;
using PolicyInjectMode = Nono.Core.Policy.InjectMode;
using ProxyInjectMode = Nono.Core.Proxy.InjectMode;

namespace Nono.Action.Network;

/// <summary>
/// The network part of a run as requested: from flags (<see cref="RunNetworkOptions"/>) and/or a profile's
/// <see cref="NetworkSection"/> (<see cref="FromSection"/>). Proxy mode is entered by any of allowed domains, a network
/// profile, or credentials; <see cref="ToProxyOptions"/> maps it to the proxy's options, reporting every problem.
/// </summary>
internal sealed record NetworkRequest
{
    public bool Block { get; init; }

    /// <summary>Recording mode (<c>--network-audit</c>, the action's audit mode): every host allowed through the proxy and recorded.</summary>
    public bool RecordAll { get; init; }

    public IReadOnlyList<string> AllowDomains { get; init; } = [];

    public string? NetworkProfile { get; init; }

    public IReadOnlyList<string> Credentials { get; init; } = [];

    public IReadOnlyDictionary<string, CustomCredential> CustomCredentials { get; init; } = new Dictionary<string, CustomCredential>();

    /// <summary>Built-in routes whose token-minting endpoints are allowed (profile: <c>network.allow_token_minting</c>).</summary>
    public IReadOnlyList<string> AllowTokenMinting { get; init; } = [];

    public IReadOnlyList<string> Resolve { get; init; } = [];

    public string? UpstreamProxy { get; init; }

    public IReadOnlyList<string> UpstreamProxyBypass { get; init; } = [];

    /// <summary>Whether anything asks for the proxy.</summary>
    public bool WantsProxy => RecordAll || AllowDomains.Count > 0 || NetworkProfile is not null || Credentials.Count > 0 || CustomCredentials.Count > 0;

    /// <summary>The request a profile's network section makes (the lead calls this with <c>ResolvedPolicy.Network</c>).</summary>
    public static NetworkRequest FromSection(NetworkSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return new NetworkRequest
        {
            Block = section.Block == true,
            AllowDomains = section.AllowDomain,
            NetworkProfile = section.NetworkProfile,
            Credentials = section.Credentials,
            CustomCredentials = section.CustomCredentials,
            AllowTokenMinting = section.AllowTokenMinting,
            Resolve = section.Resolve,
        };
    }

    /// <summary>This request (a profile's) with <paramref name="flags"/> on top: lists add up, single values from flags win.</summary>
    public NetworkRequest Merge(NetworkRequest flags)
    {
        ArgumentNullException.ThrowIfNull(flags);
        Dictionary<string, CustomCredential> custom = new(CustomCredentials, StringComparer.Ordinal);
        foreach ((string name, CustomCredential credential) in flags.CustomCredentials)
        {
            custom[name] = credential;
        }

        return new NetworkRequest
        {
            // Recording mode observes what a blocking profile would refuse, so it replaces the profile's block
            // (an explicit --block-net with it is still a conflict).
            Block = (Block && !flags.RecordAll) || flags.Block,
            RecordAll = RecordAll || flags.RecordAll,
            AllowDomains = [.. AllowDomains.Concat(flags.AllowDomains).Distinct(StringComparer.OrdinalIgnoreCase)],
            NetworkProfile = flags.NetworkProfile ?? NetworkProfile,
            Credentials = [.. Credentials.Concat(flags.Credentials).Distinct(StringComparer.Ordinal)],
            CustomCredentials = custom,
            AllowTokenMinting = [.. AllowTokenMinting.Concat(flags.AllowTokenMinting).Distinct(StringComparer.Ordinal)],
            Resolve = [.. Resolve.Concat(flags.Resolve)],
            UpstreamProxy = flags.UpstreamProxy ?? UpstreamProxy,
            UpstreamProxyBypass = [.. UpstreamProxyBypass.Concat(flags.UpstreamProxyBypass)],
        };
    }

    /// <summary>Everything that is wrong with the request as a whole (conflicts, proxy-only settings without the proxy).</summary>
    public void Validate(List<string> problems)
    {
        if (Block && WantsProxy)
        {
            problems.Add("--block-net conflicts with proxy mode (--allow-domain, --network-profile, --proxy-credential, --network-audit): choose one");
        }

        if (!WantsProxy && (Resolve.Count > 0 || UpstreamProxy is not null || UpstreamProxyBypass.Count > 0))
        {
            problems.Add("--resolve, --upstream-proxy and --upstream-proxy-bypass need proxy mode (--allow-domain, --network-profile or --proxy-credential)");
        }

        if (UpstreamProxy is not null && UpstreamProxyText.HasUserInfo(UpstreamProxy))
        {
            // Every process, the sandboxed command included, reads nono's command line in /proc/<pid>/cmdline.
            problems.Add($"--upstream-proxy '{UpstreamProxyText.Redact(UpstreamProxy)}' carries a user and password on the command line; set {UpstreamProxyText.EnvironmentVariable} instead");
        }
    }

    /// <summary>The proxy's options (port and listener are the caller's), or null with problems added.</summary>
    public ProxyOptions? ToProxyOptions(IReadOnlyDictionary<string, string> supervisorEnvironment, List<string> problems)
    {
        int before = problems.Count;
        List<string> hosts = [.. AllowDomains];
        if (NetworkProfile is not null)
        {
            if (NetworkProfiles.Find(NetworkProfile) is IReadOnlyList<string> profileHosts)
            {
                hosts.AddRange(profileHosts);
            }
            else
            {
                problems.Add($"unknown network profile '{NetworkProfile}' (known: {string.Join(", ", NetworkProfiles.Names)})");
            }
        }

        List<ResolverOverride> overrides = [];
        foreach (string entry in Resolve)
        {
            if (ResolverOverride.TryParse(entry, out string? error) is ResolverOverride o)
            {
                overrides.Add(o);
            }
            else
            {
                problems.Add(error ?? $"--resolve {entry}: expected HOST=IP");
            }
        }

        Uri? upstream = null;
        string? upstreamText = UpstreamProxy ?? supervisorEnvironment.GetValueOrDefault(UpstreamProxyText.EnvironmentVariable);
        if (upstreamText is not null && !Uri.TryCreate(upstreamText, UriKind.Absolute, out upstream))
        {
            string source = UpstreamProxy is null ? UpstreamProxyText.EnvironmentVariable : "--upstream-proxy";
            problems.Add($"{source} '{UpstreamProxyText.Redact(upstreamText)}' is not an absolute URL (http://host:port)");
        }

        List<CredentialService> services = [];
        foreach (string name in Credentials)
        {
            if (BuiltinServices.Find(name) is CredentialService builtin)
            {
                services.Add(AllowTokenMinting.Contains(name, StringComparer.Ordinal) ? builtin with { DeniedEndpoints = [], DeniedGraphQlMutations = [] } : builtin);
            }
            else if (!CustomCredentials.ContainsKey(name))
            {
                problems.Add($"unknown credential '{name}' (built in: {string.Join(", ", BuiltinServices.All.Select(s => s.Name))}; or define it under network.custom_credentials)");
            }
        }

        foreach (string name in AllowTokenMinting.Where(n => BuiltinServices.Find(n) is not { DeniedEndpoints.Count: > 0 }))
        {
            problems.Add($"network.allow_token_minting: '{name}' is not a built-in credential route with token-minting endpoints (github, gitlab)");
        }

        foreach ((string name, CustomCredential custom) in CustomCredentials)
        {
            if (ToService(name, custom, problems) is CredentialService service)
            {
                services.Add(service);
            }
        }

        return problems.Count > before ? null : new ProxyOptions
        {
            AllowedHosts = [.. hosts.Distinct(StringComparer.OrdinalIgnoreCase)],
            AllowAllHosts = RecordAll,
            ResolverOverrides = overrides,
            UpstreamProxy = upstream,
            UpstreamProxyBypass = UpstreamProxyBypass,
            Services = services,
            SupervisorEnvironment = supervisorEnvironment,
        };
    }

    private static CredentialService? ToService(string name, CustomCredential c, List<string> problems)
    {
        int before = problems.Count;
        if (c.Upstream is null || !Uri.TryCreate(c.Upstream, UriKind.Absolute, out Uri? upstream))
        {
            problems.Add($"custom credential '{name}': upstream must be an absolute URL");
            upstream = null;
        }

        if (string.IsNullOrEmpty(c.CredentialKey))
        {
            problems.Add($"custom credential '{name}': credential_key is required");
        }

        if (problems.Count > before || upstream is null)
        {
            return null;
        }

        // A bare key names a variable of the supervisor's environment; env:// and file:// are passed as they are.
        string key = c.CredentialKey!.Contains("://", StringComparison.Ordinal) ? c.CredentialKey : "env://" + c.CredentialKey; // checked above
        return new CredentialService
        {
            Name = name,
            Upstream = upstream,
            CredentialKey = key,
            InjectMode = c.InjectMode switch
            {
                PolicyInjectMode.UrlPath => ProxyInjectMode.UrlPath,
                PolicyInjectMode.QueryParam => ProxyInjectMode.QueryParam,
                PolicyInjectMode.BasicAuth => ProxyInjectMode.BasicAuth,
                _ => ProxyInjectMode.Header,
            },
            InjectHeader = c.InjectHeader ?? "Authorization",
            CredentialFormat = c.CredentialFormat ?? "Bearer {}",
            EnvVar = c.EnvVar ?? name.ToUpperInvariant().Replace('-', '_') + "_API_KEY",
        };
    }
}
