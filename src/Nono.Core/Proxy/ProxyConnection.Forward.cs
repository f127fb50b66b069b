using System.Net.Sockets;
using System.Security.Authentication;

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

        string? deny = _ctx.CheckHost(host);
        if (deny is not null)
        {
            await RefuseAsync(stream, ProxyMode.Forward, host, port, head.Method, 403, deny, $"host '{host}' is not allowed ({deny})", ct);
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
        upstreamHead.Headers.Add(new("Connection", "close"));
        if (_ctx.HeadContainsPhantom(upstreamHead))
        {
            await RefuseAsync(stream, ProxyMode.Forward, host, port, head.Method, 403, "phantom-token-outside-route", "a phantom token is only accepted on its own credential route, and the session token never leaves the proxy", ct);
            return false;
        }

        ConnectOutcome outcome = await _ctx.Connector.ConnectAsync(host, port, trustedTarget: false, ct);
        if (outcome.Socket is not Socket upstream)
        {
            await RefuseAsync(stream, ProxyMode.Forward, host, port, head.Method, outcome.Status, outcome.Reason, $"cannot connect to '{host}' ({outcome.Reason})", ct);
            return false;
        }

        await using NetworkStream upstreamStream = new(upstream, ownsSocket: true);
        return await ExchangeAndRecordAsync(ProxyMode.Forward, host, port, null, upstreamHead, framing, length, persistent, reader, stream, upstreamStream, idle);
    }

    /// <summary>
    /// Sends the request and relays the response, then records the event (also when the upstream fails mid-way).
    /// Returns whether the client connection can carry another request: the client allows it, the response's end was
    /// framed, and the request body was read to its end (so the next head starts where it should).
    /// </summary>
    private async Task<bool> ExchangeAndRecordAsync(
        ProxyMode mode, string host, int port, string? path, HttpHead upstreamHead, BodyFraming framing, long length, bool persistent,
        BufferedReader clientReader, Stream clientStream, Stream upstreamStream, IdleTimeout idle)
    {
        CancellationToken ct = idle.Token;
        long up = 0;
        long down = 0;
        int status = 0;
        bool responded = false;
        Task<long>? body = null;
        try
        {
            await upstreamStream.WriteAsync(upstreamHead.ToBytes(), ct);
            await upstreamStream.FlushAsync(ct);
            body = HttpBody.CopyAsync(clientReader, framing, length, upstreamStream, idle.Touch, ct);
            using BufferedReader upstreamReader = new(upstreamStream);
            HttpHead response;
            while (true)
            {
                (HeadReadStatus st, string? text) = await upstreamReader.ReadHeadAsync(_ctx.Options.MaxHeaderBytes, ct);
                HttpHead? parsed = st == HeadReadStatus.Ok && text is not null ? HttpHead.TryParse(text, isRequest: false, out _) : null;
                if (parsed is null)
                {
                    throw new IOException("the upstream sent no valid response head");
                }

                HeaderFilter.StripHopByHop(parsed);
                parsed.First = "HTTP/1.1"; // the proxy speaks its own version to the client (RFC 9110 section 6.2)
                if (parsed.StatusCode is >= 100 and < 200 and not 101)
                {
                    await clientStream.WriteAsync(parsed.ToBytes(), ct);
                    continue;
                }

                response = parsed;
                break;
            }

            (BodyFraming responseFraming, long responseLength, string? error) = HttpBody.ForResponse(response, upstreamHead.Method);
            if (error is not null)
            {
                throw new IOException(error);
            }

            persistent &= Persistence.ResponseAllows(response, responseFraming);
            if (!persistent)
            {
                response.Headers.Add(new("Connection", "close"));
            }

            status = response.StatusCode;
            await clientStream.WriteAsync(response.ToBytes(), ct);
            await clientStream.FlushAsync(ct);
            responded = true;
            down = await HttpBody.CopyAsync(upstreamReader, responseFraming, responseLength, clientStream, idle.Touch, ct);
            if (persistent)
            {
                // The next request starts after this one's body: wait for it. An upstream that answered early and
                // closed makes the copy fail; the response was delivered, but the connection cannot be reused.
                try
                {
                    await body;
                }
                catch (Exception ex) when (ex is IOException or SocketException)
                {
                    persistent = false;
                }
            }

            up = body.IsCompletedSuccessfully ? body.Result : 0;

            Emit(mode, host, port, upstreamHead.Method, path, ProxyDecision.Allowed, "allowed", status, up, down);
            return persistent;
        }
        catch (Exception ex) when (ex is IOException or SocketException or AuthenticationException)
        {
            Emit(mode, host, port, upstreamHead.Method, path, ProxyDecision.UpstreamFailed, "upstream-error", responded ? status : 502, up, down);
            if (!responded)
            {
                await WriteErrorAsync(clientStream, 502, "upstream-error", "the upstream failed", ct);
            }

            return false;
        }
        finally
        {
            _ = body?.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
    }
}
