using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Nono.Core.Proxy;

/// <summary>
/// Resolves a name itself, checks every resolved address, and connects only to an address it checked (never
/// re-resolving, so DNS rebinding cannot slip a different address in). Optionally tunnels through an enterprise proxy.
/// </summary>
internal sealed class UpstreamConnector
{
    private readonly ProxyOptions _options;
    private readonly IReadOnlyList<HostPattern> _bypass;
    private readonly Dictionary<string, List<IPAddress>> _overrides = new(StringComparer.Ordinal);

    public UpstreamConnector(ProxyOptions options, IReadOnlyList<HostPattern> bypass)
    {
        _options = options;
        _bypass = bypass;
        foreach (ResolverOverride o in options.ResolverOverrides)
        {
            if (!_overrides.TryGetValue(o.Host, out List<IPAddress>? list))
            {
                _overrides[o.Host] = list = [];
            }

            list.Add(o.Address);
        }
    }

    /// <summary>
    /// Connects to <paramref name="host"/> (normalized) and <paramref name="port"/> within the connect timeout.
    /// <paramref name="trustedTarget"/> marks a target configured by the supervisor (a credential route's upstream):
    /// an IP literal there counts as explicit, like a resolver override.
    /// </summary>
    public async Task<ConnectOutcome> ConnectAsync(string host, int port, bool trustedTarget, CancellationToken cancellationToken)
    {
        using CancellationTokenSource timeout = new(_options.ConnectTimeout, _options.TimeProvider);
        using CancellationTokenSource linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            if (_options.UpstreamProxy is not null && !_bypass.Any(p => p.Matches(host)) && !_overrides.ContainsKey(host))
            {
                // A literal address is checked here as it would be when connecting directly (the enterprise proxy must
                // not become a way to reach metadata, link-local or its own loopback). A loopback literal names this
                // machine (a credential route's local upstream), never the enterprise proxy's: it is connected directly,
                // like names with a resolver override. A name is resolved by the enterprise proxy, which is then
                // responsible for where it leads (docs/network-tiers.md).
                bool literal = HostName.IsIpLiteral(host);
                IPAddress? address = literal ? IPAddress.Parse(host) : null;
                if (address is not null && AddressPolicy.Check(address, _options.PermittedAddresses, trustedTarget) is { } denied)
                {
                    return ConnectOutcome.Fail(403, denied);
                }

                if (address is null || AddressPolicy.Classify(address) != AddressClass.Loopback)
                {
                    return await ViaUpstreamProxyAsync(host, port, _options.UpstreamProxy, linked.Token);
                }
            }

            (IReadOnlyList<IPAddress> addresses, string? reason) = await ResolveAndCheckAsync(host, trustedTarget, linked.Token);
            return reason is not null
                ? ConnectOutcome.Fail(reason.StartsWith("address-denied", StringComparison.Ordinal) ? 403 : 502, reason)
                : await ConnectFirstAsync(addresses, port, linked.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return ConnectOutcome.Fail(504, "connect-timeout");
        }
    }

    /// <summary>Resolves (override, literal or DNS) and checks every address; returns the addresses or a denial reason.</summary>
    public async Task<(IReadOnlyList<IPAddress> Addresses, string? Reason)> ResolveAndCheckAsync(string host, bool trustedTarget, CancellationToken cancellationToken)
    {
        bool explicitOverride = false;
        IReadOnlyList<IPAddress> addresses;
        if (_overrides.TryGetValue(host, out List<IPAddress>? overridden))
        {
            addresses = overridden;
            explicitOverride = true;
        }
        else if (HostName.IsIpLiteral(host))
        {
            addresses = [IPAddress.Parse(host)];
            explicitOverride = trustedTarget;
        }
        else
        {
            try
            {
                // A multi-label name is resolved as an absolute name (trailing dot) so resolv.conf search domains
                // (ndots) cannot turn api.example.com into api.example.com.corp.internal. Single-label names are only
                // reachable when listed explicitly and need the search list and /etc/hosts (service containers).
                string query = HostName.IsSingleLabel(host) ? host : host + ".";
                addresses = await Dns.GetHostAddressesAsync(query, cancellationToken);
            }
            catch (SocketException)
            {
                return ([], "dns-failed");
            }
        }

        if (addresses.Count == 0)
        {
            return ([], "dns-no-address");
        }

        string? reason = CheckAll(addresses, _options.PermittedAddresses, explicitOverride);
        return reason is null ? (addresses, null) : ([], reason);
    }

    /// <summary>The decision on a resolved set: one forbidden address denies the whole name (fail secure).</summary>
    public static string? CheckAll(IReadOnlyList<IPAddress> addresses, PermittedAddresses permitted, bool explicitOverride)
    {
        foreach (IPAddress address in addresses)
        {
            string? reason = AddressPolicy.Check(address, permitted, explicitOverride);
            if (reason is not null)
            {
                return reason;
            }
        }

        return null;
    }

    private static async Task<ConnectOutcome> ConnectFirstAsync(IReadOnlyList<IPAddress> addresses, int port, CancellationToken cancellationToken)
    {
        foreach (IPAddress address in addresses)
        {
            Socket socket = new(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), cancellationToken);
                return new ConnectOutcome(socket, 200, "allowed");
            }
            catch (SocketException)
            {
                socket.Dispose();
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        return ConnectOutcome.Fail(502, "connect-failed");
    }

    private async Task<ConnectOutcome> ViaUpstreamProxyAsync(string host, int port, Uri proxy, CancellationToken cancellationToken)
    {
        // The enterprise proxy resolves the target; the name checks (allow-list, metadata names, numeric forms) were
        // done by the caller. The proxy's own address must still not be link-local or metadata.
        string proxyHost = proxy.IdnHost;
        IReadOnlyList<IPAddress> addresses;
        if (_overrides.TryGetValue(proxyHost, out List<IPAddress>? overridden))
        {
            addresses = overridden;
        }
        else if (IPAddress.TryParse(proxyHost.Trim('[', ']'), out IPAddress? literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await Dns.GetHostAddressesAsync(proxyHost, cancellationToken);
            }
            catch (SocketException)
            {
                return ConnectOutcome.Fail(502, "upstream-proxy-dns-failed");
            }
        }

        string? reason = addresses.Count == 0 ? "dns-no-address" : CheckAll(addresses, _options.PermittedAddresses, explicitOverride: true);
        if (reason is not null)
        {
            return ConnectOutcome.Fail(502, "upstream-proxy-" + reason);
        }

        ConnectOutcome connected = await ConnectFirstAsync(addresses, proxy.Port, cancellationToken);
        if (connected.Socket is not Socket socket)
        {
            return ConnectOutcome.Fail(502, "upstream-proxy-connect-failed");
        }

        string authority = host.Contains(':', StringComparison.Ordinal) ? $"[{host}]:{port}" : $"{host}:{port}";
        StringBuilder request = new($"CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n");
        if (!string.IsNullOrEmpty(proxy.UserInfo))
        {
            string credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(proxy.UserInfo)));
            request.Append("Proxy-Authorization: Basic ").Append(credentials).Append("\r\n");
        }

        request.Append("\r\n");
        await using NetworkStream stream = new(socket, ownsSocket: false);
        await stream.WriteAsync(Encoding.Latin1.GetBytes(request.ToString()), cancellationToken);
        using BufferedReader reader = new(stream);
        (HeadReadStatus status, string? text) = await reader.ReadHeadAsync(_options.MaxHeaderBytes, cancellationToken);
        HttpHead? head = status == HeadReadStatus.Ok && text is not null ? HttpHead.TryParse(text, isRequest: false, out _) : null;
        if (head is null || head.StatusCode is < 200 or > 299 || reader.BufferedCount > 0)
        {
            socket.Dispose();
            return ConnectOutcome.Fail(502, "upstream-proxy-refused:" + (head?.StatusCode ?? 0));
        }

        return connected;
    }
}
