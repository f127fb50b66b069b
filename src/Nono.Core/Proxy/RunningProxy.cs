using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Nono.Core.Proxy;

/// <summary>
/// A started egress proxy. Hands out what the child needs (<see cref="ChildEnvironment"/>) and shuts everything down
/// (listener, connections, tunnels) on <see cref="DisposeAsync"/>.
/// </summary>
public sealed class RunningProxy : IAsyncDisposable
{
    private readonly ProxyServer _server;

    internal RunningProxy(ProxyServer server, IPEndPoint endPoint, string sessionToken, IReadOnlyList<ResolvedService> services)
    {
        _server = server;
        Address = endPoint.Address;
        Port = endPoint.Port;
        SessionToken = sessionToken;
        string host = endPoint.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{endPoint.Address}]" : endPoint.Address.ToString();
        BaseUrl = $"http://{host}:{Port.ToString(CultureInfo.InvariantCulture)}";
        ProxyUrl = $"http://nono:{sessionToken}@{host}:{Port.ToString(CultureInfo.InvariantCulture)}";
        ChildEnvironment = BuildEnvironment(host, services);
    }

    /// <summary>The address the proxy listens on.</summary>
    public IPAddress Address { get; }

    /// <summary>The port the proxy listens on.</summary>
    public int Port { get; }

    /// <summary>This session's 256-bit token (64 hex characters), required as the proxy password on every proxied request.</summary>
    public string SessionToken { get; }

    /// <summary>The proxy URL with the session token as userinfo: <c>http://nono:TOKEN@127.0.0.1:PORT</c>.</summary>
    public string ProxyUrl { get; }

    /// <summary>The proxy's own URL without credentials (credential routes live below it).</summary>
    public string BaseUrl { get; }

    /// <summary>
    /// Variables to set in the child: proxy variables (both cases), <c>NO_PROXY</c>, <c>NODE_USE_ENV_PROXY=1</c>, and for each
    /// credential route its phantom token and base URL. Holds no real credential.
    /// </summary>
    public IReadOnlyDictionary<string, string> ChildEnvironment { get; }

    /// <summary>The route URL of a credential service, e.g. <c>http://127.0.0.1:PORT/openai</c>.</summary>
    public string RouteUrl(string serviceName) => $"{BaseUrl}/{serviceName}";

    /// <summary>Closes the listener and every connection and tunnel, and waits for them to finish.</summary>
    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private Dictionary<string, string> BuildEnvironment(string host, IReadOnlyList<ResolvedService> services)
    {
        List<string> noProxy = ["localhost", "127.0.0.1", "::1"];
        string bare = host.Trim('[', ']');
        if (!noProxy.Contains(bare))
        {
            noProxy.Add(bare);
        }

        Dictionary<string, string> env = new(StringComparer.Ordinal)
        {
            ["HTTP_PROXY"] = ProxyUrl,
            ["HTTPS_PROXY"] = ProxyUrl,
            ["http_proxy"] = ProxyUrl,
            ["https_proxy"] = ProxyUrl,
            ["NO_PROXY"] = string.Join(',', noProxy),
            ["no_proxy"] = string.Join(',', noProxy),
            ["NODE_USE_ENV_PROXY"] = "1",
        };
        foreach (ResolvedService s in services)
        {
            env[s.Service.EnvVar] = s.PhantomToken;
            env[s.Service.EffectiveBaseUrlEnvVar] = RouteUrl(s.Service.Name);
        }

        return env;
    }
}
