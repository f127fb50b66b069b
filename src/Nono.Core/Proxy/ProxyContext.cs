namespace Nono.Core.Proxy;

/// <summary>Everything a connection needs, built once per session from validated options.</summary>
internal sealed class ProxyContext
{
    public ProxyContext(
        ProxyOptions options,
        IReadOnlyList<AllowEntry> allowList,
        UpstreamConnector connector,
        SessionAuth auth,
        IReadOnlyList<ResolvedService> services,
        IProxyEventSink sink,
        string selfAuthority)
    {
        SelfPrefix = "http://" + selfAuthority + "/";
        Options = options;
        AllowList = allowList;
        Connector = connector;
        Auth = auth;
        Sink = sink;
        Services = services.ToDictionary(s => s.Service.Name, StringComparer.Ordinal);
        Phantoms = [.. services.Select(s => s.PhantomToken)];
        Pool = new UpstreamPool(options.TimeProvider);
    }

    public ProxyOptions Options { get; }

    /// <summary><c>http://ADDRESS:PORT/</c> of this proxy: absolute-form requests to it are credential-route requests.</summary>
    public string SelfPrefix { get; }

    public IReadOnlyList<AllowEntry> AllowList { get; }

    public UpstreamConnector Connector { get; }

    public SessionAuth Auth { get; }

    public IReadOnlyDictionary<string, ResolvedService> Services { get; }

    /// <summary>Every phantom token of this session; none may leave the proxy on any route.</summary>
    public IReadOnlyList<string> Phantoms { get; }

    public IProxyEventSink Sink { get; }

    /// <summary>Idle upstream connections for reuse; closed when the server shuts down.</summary>
    public UpstreamPool Pool { get; }

    public TimeProvider Time => Options.TimeProvider;

    /// <summary>
    /// The decision for a CONNECT tunnel (<paramref name="tunnel"/>) or a forward request to <paramref name="normalizedHost"/>
    /// on <paramref name="port"/>: null when allowed, else the reason (<c>port-not-allowed:PORT</c> when an entry names the
    /// host but none opens the port).
    /// </summary>
    public string? CheckTarget(string normalizedHost, int port, bool tunnel)
    {
        if (AddressPolicy.IsMetadataName(normalizedHost))
        {
            return "metadata-host";
        }

        if (Options.AllowAllHosts)
        {
            return null;
        }

        bool hostMatched = false;
        foreach (AllowEntry entry in AllowList)
        {
            if (entry.Host.Matches(normalizedHost))
            {
                if (entry.AllowsPort(port, tunnel))
                {
                    return null;
                }

                hostMatched = true;
            }
        }

        return hostMatched ? PortNotAllowed(port) : "host-not-allowed";
    }

    /// <summary>The refusal reason for a port no entry opens.</summary>
    public static string PortNotAllowed(int port) => "port-not-allowed:" + port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Whether <paramref name="text"/> contains any phantom token of this session, or the session token itself.</summary>
    public bool ContainsPhantom(string text)
    {
        foreach (string phantom in Phantoms)
        {
            if (text.Contains(phantom, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return text.Contains(Auth.Token, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Whether any header or the target of <paramref name="head"/> carries a phantom token or the session token. Call it on
    /// the head about to leave the proxy (after proxy headers were stripped and the credential was injected).
    /// </summary>
    public bool HeadContainsPhantom(HttpHead head) =>
        ContainsPhantom(Uri.UnescapeDataString(head.Target))
        || head.Headers.Any(h => ContainsPhantom(h.Value) || ContainsPhantom(h.Key) || ContainsPhantom(DecodeBasic(h.Value)));

    private static string DecodeBasic(string value)
    {
        int space = value.IndexOf(' ', StringComparison.Ordinal);
        if (space < 0 || !value.AsSpan(0, space).Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            return string.Empty;
        }

        try
        {
            return System.Text.Encoding.Latin1.GetString(Convert.FromBase64String(value[(space + 1)..].Trim()));
        }
        catch (FormatException)
        {
            return string.Empty;
        }
    }
}
