using System.Net.Sockets;

namespace Nono.Core.Proxy;

internal sealed partial class ProxyConnection
{
    private static readonly byte[] s_established = "HTTP/1.1 200 Connection Established\r\n\r\n"u8.ToArray();

    private async Task ConnectAsync(HttpHead head, BufferedReader reader, NetworkStream stream, IdleTimeout idle)
    {
        CancellationToken ct = idle.Token;
        if (!_ctx.Auth.IsAuthorized(head))
        {
            await RefuseAsync(stream, ProxyMode.Connect, null, 0, head.Method, 407, "proxy-auth-required", "missing or wrong session token", ct);
            return;
        }

        if (!Authority.TryParse(head.Target, defaultPort: 0, out string host, out int port, out string error))
        {
            await RefuseAsync(stream, ProxyMode.Connect, HostName.Printable(head.Target), 0, head.Method, 400, "bad-target", error, ct);
            return;
        }

        string? deny = _ctx.CheckTarget(host, port, tunnel: true);
        if (deny is not null)
        {
            await RefuseAsync(stream, ProxyMode.Connect, host, port, head.Method, 403, deny, Denial(host, port, deny), ct);
            return;
        }

        ConnectOutcome outcome = await _ctx.Connector.ConnectAsync(host, port, trustedTarget: false, ct);
        if (outcome.Socket is not Socket upstream)
        {
            await RefuseAsync(stream, ProxyMode.Connect, host, port, head.Method, outcome.Status, outcome.Reason, $"cannot connect to '{host}' ({outcome.Reason})", ct);
            return;
        }

        using (upstream)
        {
            await stream.WriteAsync(s_established, ct);
            if (await CheckTunnelStartAsync(host, port, reader, upstream, ct) is string refusal)
            {
                await RefuseTunnelAsync(stream, host, port, head.Method, refusal, ct);
                return;
            }

            long early = 0;
            if (reader.BufferedCount > 0)
            {
                await using NetworkStream upstreamStream = new(upstream, ownsSocket: false);
                early = await reader.DrainToAsync(upstreamStream, ct);
            }

            reader.Dispose(); // the head buffer is not needed for the tunnel's lifetime

            (long up, long down) = await Tunnel.RunAsync(_client, upstream, idle);
            Emit(ProxyMode.Connect, host, port, head.Method, null, ProxyDecision.Allowed, "allowed", 200, up + early, down);
        }
    }
}
