using System.Net.Sockets;

namespace Nono.Core.Proxy;

internal sealed partial class ProxyConnection
{
    private async Task<bool> ForwardAsync(HttpHead head, bool persistent, BufferedReader reader, NetworkStream stream, IdleTimeout idle)
    {
        CancellationToken ct = idle.Token;
        if (!_ctx.Auth.IsAuthorized(head))
        {
            await RefuseAsync(stream, ProxyMode.Forward, null, 0, head.Method, 407, "proxy-auth-required", "missing or wrong session token", ct);
            return false;
        }

        if (!head.Target.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            await RefuseAsync(stream, ProxyMode.Forward, null, 0, head.Method, 400, "bad-target", "https:// targets must use CONNECT", ct);
            return false;
        }

        string rest = head.Target["http://".Length..];
        int slash = rest.IndexOfAny(['/', '?', '#']);
        string authority = slash >= 0 ? rest[..slash] : rest;
        string originForm = slash >= 0 ? rest[slash..] : "/";
        if (originForm.StartsWith('?'))
        {
            originForm = "/" + originForm;
        }

        if (originForm.Contains('#', StringComparison.Ordinal)
            || !Authority.TryParse(authority, defaultPort: 80, out string host, out int port, out string error))
        {
            await RefuseAsync(stream, ProxyMode.Forward, HostName.Printable(authority), 0, head.Method, 400, "bad-target", "invalid absolute-form target", ct);
            return false;
        }

        string? deny = _ctx.CheckTarget(host, port, tunnel: false);
        if (deny is not null)
        {
            await RefuseAsync(stream, ProxyMode.Forward, host, port, head.Method, 403, deny, Denial(host, port, deny), ct);
            return false;
        }

        (BodyFraming framing, long length, string? framingError) = HttpBody.ForRequest(head);
        if (framingError is not null)
        {
            await RefuseAsync(stream, ProxyMode.Forward, host, port, head.Method, 400, "bad-framing", framingError, ct);
            return false;
        }

        HttpHead upstreamHead = HttpHead.CreateRequest(head.Method, originForm);
        HeaderFilter.StripHopByHop(head);
        head.Remove("Host");
        upstreamHead.Headers.Add(new("Host", authority));
        upstreamHead.Headers.AddRange(head.Headers);
        AskCloseWhenNotPooled(upstreamHead, framing, credentialRoute: false);
        if (_ctx.HeadContainsPhantom(upstreamHead))
        {
            await RefuseAsync(stream, ProxyMode.Forward, host, port, head.Method, 403, "phantom-token-outside-route", "a phantom token is only accepted on its own credential route, and the session token never leaves the proxy", ct);
            return false;
        }

        UpstreamKey key = new(Uri.UriSchemeHttp, host, port, Route: null);
        return await RelayAsync(ProxyMode.Forward, host, port, null, $"'{host}'", key, trustedTarget: false, upstreamHead, framing, length, persistent, reader, stream, idle);
    }
}
