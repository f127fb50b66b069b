namespace Nono.Core.Proxy;

/// <summary>Everything a connection needs, built once per session from validated options.</summary>
internal sealed class ProxyContext
{
    public ProxyContext(
        ProxyOptions options,
        IReadOnlyList<HostPattern> allowList,
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

    public IReadOnlyList<HostPattern> AllowList { get; }

    public UpstreamConnector Connector { get; }

    public SessionAuth Auth { get; }

    public IReadOnlyDictionary<string, ResolvedService> Services { get; }

    /// <summary>Every phantom token of this session; none may leave the proxy on any route.</summary>
    public IReadOnlyList<string> Phantoms { get; }

    public IProxyEventSink Sink { get; }

    /// <summary>Idle upstream connections for reuse; closed when the server shuts down.</summary>
    public UpstreamPool Pool { get; }

    public TimeProvider Time => Options.TimeProvider;

    /// <summary>The host decision for CONNECT and forward requests: returns null when allowed, else a reason.</summary>
    public string? CheckHost(string normalizedHost)
    {
        if (AddressPolicy.IsMetadataName(normalizedHost))
        {
            return "metadata-host";
        }

        if (Options.AllowAllHosts)
        {
            return null;
        }

        foreach (HostPattern pattern in AllowList)
        {
            if (pattern.Matches(normalizedHost))
            {
                return null;
            }
        }

        return "host-not-allowed";
    }

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
