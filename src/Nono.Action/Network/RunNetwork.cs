using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using Nono.Action.Cli;
using Nono.Action.Session;
using Nono.Core.Capabilities;
using Nono.Core.Diagnostics;
using Nono.Core.Proxy;
using Nono.Core.Sandbox;

namespace Nono.Action.Network;

/// <summary>
/// Network enforcement for one <c>nono run</c>: decides the tier (probing the private network namespace), gives the
/// capability set its mode and proxy port, starts the egress proxy (outside the sandbox, on the listener the child
/// created in its namespace, or on a host loopback port in the fallback tier), merges the proxy's child environment,
/// and shuts the proxy down after the command.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class RunNetwork : IAsyncDisposable
{
    /// <summary>Forces a tier for tests and diagnosis: <c>netns</c> (refuse unless it works) or <c>landlock-tcp</c>.</summary>
    public const string TierVariable = "NONO_NETWORK_TIER";

    /// <summary>
    /// Test knob: <c>route</c> or <c>bind</c> makes that step of the namespace's DNS trap fail in the kernel
    /// (<see cref="DnsTrapFault"/>); other values are ignored.
    /// </summary>
    public const string DnsTrapFailVariable = "NONO_TEST_DNS_TRAP_FAIL";

    /// <summary>Proxy-related names never taken from the host: the child gets nono's values or none.</summary>
    private static readonly string[] s_proxyVariables =
        ["HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", "NODE_USE_ENV_PROXY"];

    private readonly ProxyOptions? _proxyOptions;
    private Socket? _hostListener;
    private RunningProxy? _proxy;
    private DnsRefuser? _dns;
    private AuditProxySink? _ownSink;

    private readonly DnsTrapFault _dnsTrapFault;

    private RunNetwork(NetworkMode mode, ProxyOptions? proxyOptions, NetworkNamespaceSupport ns, DnsTrapFault dnsTrapFault)
    {
        Mode = mode;
        _dnsTrapFault = dnsTrapFault;
        _proxyOptions = proxyOptions;
        Namespace = ns;
    }

    /// <summary>Block or proxy.</summary>
    public NetworkMode Mode { get; }

    /// <summary>The namespace probe (or the forced answer) the planner chooses the tier from.</summary>
    public NetworkNamespaceSupport Namespace { get; }

    /// <summary>
    /// Set when the namespace's DNS trap could not be set up (the failed step and its error): lookups of tools that ignore
    /// the proxy still fail, but unrecorded. Recorded as an event and reported by the run; the isolation is unchanged.
    /// </summary>
    public string? DnsTrapUnavailable { get; private set; }

    /// <summary>The running proxy, once started.</summary>
    public RunningProxy? Proxy => _proxy;

    /// <summary>The proxy's allow-list as <c>--dry-run</c> shows it: each entry with the ports it opens (none without the proxy).</summary>
    public IEnumerable<string> DescribeAllowList() => _proxyOptions switch
    {
        null => [],
        { AllowAllHosts: true } => ["  proxy allows: every host on every port (recording)"],
        { AllowedHosts.Count: 0 } => ["  proxy allows: credential routes only"],
        ProxyOptions o => ["  proxy allows: " + string.Join(", ", o.AllowedHosts.Select(AllowEntries.Describe))],
    };

    /// <summary>Null when the network is unrestricted; otherwise the prepared network (problems added, never thrown).</summary>
    public static RunNetwork? Prepare(NetworkRequest request, CliContext context, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate(problems);
        if (!request.Block && !request.WantsProxy)
        {
            return null;
        }

        ProxyOptions? proxy = request.WantsProxy ? request.ToProxyOptions(context.Environment, problems) : null;
        if (proxy is not null)
        {
            // In the netns tier the proxy starts after the fork; its configuration errors must stop the run before it.
            problems.AddRange(ProxyOptionsValidator.Preflight(proxy).Select(p => "proxy configuration: " + p));
        }

        NetworkNamespaceSupport ns = ProbeNamespace(context, problems);
        DnsTrapFault fault = context.GetEnv(DnsTrapFailVariable) switch
        {
            "route" => DnsTrapFault.Route,
            "bind" => DnsTrapFault.Bind,
            _ => DnsTrapFault.None,
        };
        return new RunNetwork(request.WantsProxy ? NetworkMode.Proxy : NetworkMode.Block, proxy, ns, fault);
    }

    /// <summary>
    /// The namespace probe (skipped when <see cref="NamespaceEvidence"/> shows it works and <paramref name="trustEvidence"/>),
    /// or what <see cref="TierVariable"/> forces.
    /// </summary>
    public static NetworkNamespaceSupport ProbeNamespace(CliContext context, List<string> problems, bool trustEvidence = true)
    {
        string? forced = context.GetEnv(TierVariable);
        switch (forced)
        {
            case null or "":
                // No probe fork when the evidence says the namespace works; if it fails after all, the launch fails.
                return trustEvidence && NamespaceEvidence.ProbeNeeded() is null ? NetworkNamespaceSupport.Works : SandboxLauncher.ProbeNetworkNamespace();
            case "netns":
                NetworkNamespaceSupport probed = SandboxLauncher.ProbeNetworkNamespace();
                if (!probed.Available)
                {
                    problems.Add($"{TierVariable}=netns, but {probed}");
                }

                return probed;
            case "landlock-tcp":
                return NetworkNamespaceSupport.Unavailable($"{TierVariable}=landlock-tcp forces the fallback tier");
            default:
                problems.Add($"{TierVariable}={forced} is not a network tier (netns, landlock-tcp)");
                return NetworkNamespaceSupport.Unavailable($"{TierVariable} is invalid");
        }
    }

    /// <summary>
    /// The capability set with this network's mode and, in proxy mode, the proxy port: a free one inside the private
    /// namespace, or one bound now on the host's loopback for the fallback tier (so Landlock's port rule names it).
    /// </summary>
    public CapabilitySet Apply(CapabilitySet capabilities)
    {
        ArgumentNullException.ThrowIfNull(capabilities);
        if (Mode == NetworkMode.Block)
        {
            return capabilities with { Network = NetworkMode.Block };
        }

        int port;
        if (Namespace.Available)
        {
            port = RandomNumberGenerator.GetInt32(20_000, 60_000); // the namespace is empty: any port is free
        }
        else
        {
            _hostListener?.Dispose();
            _hostListener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            _hostListener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            _hostListener.Listen(1024);
            port = ((IPEndPoint)_hostListener.LocalEndPoint!).Port; // bound just above
        }

        return capabilities with { Network = NetworkMode.Proxy, ProxyPort = port };
    }

    /// <summary>The files the proxy reads credentials from (<c>file://</c> keys): the command must not read them.</summary>
    public IEnumerable<(string Path, string What)> SecretFiles =>
        from service in _proxyOptions?.Services ?? []
        let path = SecretFileDenies.PathOf(service.CredentialKey)
        where path is not null
        select (path, $"credential of route '{service.Name}'");

    /// <summary>
    /// Starts the command: in proxy mode also the proxy, whose <see cref="RunningProxy.ChildEnvironment"/> (proxy
    /// variables, phantom tokens, base URLs; never a real credential) replaces any host value of the same names.
    /// </summary>
    public SandboxedProcess Start(SandboxPlan plan, LaunchSpec spec, IProxyEventSink? sink)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(spec);
        if (plan.Capabilities.Network != NetworkMode.Proxy)
        {
            return SandboxLauncher.Start(plan, spec);
        }

        ProxyOptions options = _proxyOptions ?? throw new InvalidOperationException("proxy mode without proxy options");
        if (sink is null)
        {
            _ownSink = new AuditProxySink(null);
            sink = _ownSink;
        }

        HashSet<string> reserved = ReservedNames(options);
        Dictionary<string, string> environment = spec.Environment
            .Where(kv => !reserved.Contains(kv.Key))
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        if (plan.NetworkTier != NetworkTier.IsolatedNamespace)
        {
            Socket listener = _hostListener ?? throw new InvalidOperationException("fallback tier without a host listener");
            _hostListener = null; // the proxy owns it now
            _proxy = EgressProxy.StartAsync(options, listener, sink, CancellationToken.None).GetAwaiter().GetResult();
            foreach ((string key, string value) in _proxy.ChildEnvironment)
            {
                environment[key] = value;
            }

            return SandboxLauncher.Start(plan, spec with { Environment = environment });
        }

        IProxyEventSink events = sink;
        return SandboxLauncher.Start(plan, spec with { Environment = environment, DnsTrapFault = _dnsTrapFault }, sockets =>
        {
            // Supervisor thread, child waiting before exec: the proxy runs here, outside the namespace.
            if (sockets.DnsSocket is not null || sockets.DnsTcpListener is not null)
            {
                _dns = DnsRefuser.Start(sockets.DnsSocket, sockets.DnsTcpListener, events, options.TimeProvider);
            }

            if (sockets.DnsSocket is null || sockets.DnsTcpListener is null)
            {
                DnsTrapUnavailable = sockets.DnsTrapUnavailable ?? "no reason given"; // recorded by RunRecording
            }

            _proxy = EgressProxy.StartAsync(options, sockets.ProxyListener, events, CancellationToken.None).GetAwaiter().GetResult();
            if (_proxy.ChildEnvironment.Keys.FirstOrDefault(k => !reserved.Contains(k)) is string unexpected)
            {
                throw new NonoException(NonoErrorCode.SandboxSetupFailed, $"the proxy set an unexpected sandbox variable: {unexpected}");
            }

            return _proxy.ChildEnvironment;
        });
    }

    /// <summary>Stops the proxy (listener, connections, tunnels) and flushes the event sink.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_proxy is not null)
        {
            await _proxy.DisposeAsync();
        }

        if (_dns is not null)
        {
            await _dns.DisposeAsync();
        }

        if (_ownSink is not null)
        {
            await _ownSink.DisposeAsync();
        }

        _hostListener?.Dispose();
    }

    private const string EnvScheme = "env://";

    private static HashSet<string> ReservedNames(ProxyOptions options)
    {
        HashSet<string> names = new(s_proxyVariables, StringComparer.Ordinal) { UpstreamProxyText.EnvironmentVariable };
        foreach (CredentialService service in options.Services)
        {
            names.Add(service.EnvVar);
            names.Add(service.EffectiveBaseUrlEnvVar);
            if (service.CredentialKey is { } key && key.StartsWith(EnvScheme, StringComparison.Ordinal))
            {
                names.Add(key[EnvScheme.Length..]); // the real credential's variable never reaches the child, whatever allow_vars says
            }
        }

        return names;
    }
}
