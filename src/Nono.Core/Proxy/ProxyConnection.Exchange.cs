using System.Net.Sockets;
using System.Security.Authentication;

namespace Nono.Core.Proxy;

internal sealed partial class ProxyConnection
{
    /// <summary>
    /// Requests the upstream keeps its connection unless the pool would not take it back anyway (a HEAD response's end
    /// is not visible on the wire, and servers that wrongly send a body to HEAD would desync the next exchange; see
    /// <see cref="MayPool"/> for a body on a credential route).
    /// </summary>
    private static void AskCloseWhenNotPooled(HttpHead upstreamHead, BodyFraming requestFraming, bool credentialRoute)
    {
        if (string.Equals(upstreamHead.Method, "HEAD", StringComparison.Ordinal) || (credentialRoute && requestFraming != BodyFraming.None))
        {
            upstreamHead.Headers.Add(new("Connection", "close"));
        }
    }

    /// <summary>
    /// Whether an exchange's framing lets the upstream connection be reused, beyond the upstream's own consent. Not after
    /// a body read until close, a 101, or a HEAD; not after a status-framed (204/304) response that still names a body
    /// length or coding (a broken server may send one); and not when the child's request body may not have been read by
    /// the upstream: an error answer to a request with a body, or any <c>Expect</c> (a server that answers before the body
    /// and keeps the connection would parse the child's body bytes as the next request). On a credential route never after
    /// any request body: an upstream that answers 2xx without reading it (CL.0) would take a body that is the start of a
    /// request the child wrote as the head of the next exchange, whose real credential would then be that request's body
    /// and could be echoed back to the child. The proxy cannot see whether the upstream read a body.
    /// </summary>
    private static bool MayPool(HttpHead request, BodyFraming requestFraming, bool credentialRoute, HttpHead response, BodyFraming responseFraming)
    {
        int status = response.StatusCode;
        bool bodyMaybeUnread = request.Count("Expect") > 0
            || (requestFraming != BodyFraming.None && (credentialRoute || status is < 200 or >= 300));
        bool strayLength = responseFraming == BodyFraming.None
            && (response.Count("Transfer-Encoding") > 0
                || response.Headers.Any(h => string.Equals(h.Key, "Content-Length", StringComparison.OrdinalIgnoreCase) && h.Value != "0"));
        return responseFraming != BodyFraming.UntilClose && status != 101 && !bodyMaybeUnread && !strayLength
            && !string.Equals(request.Method, "HEAD", StringComparison.Ordinal);
    }

    /// <summary>
    /// Sends the request and relays the response, then records the event (also when the upstream fails mid-way).
    /// The client connection can carry another request when the client allows it, the response's end was framed, and
    /// the request body was read to its end (so the next head starts where it should). The upstream connection goes back
    /// to the pool only after a clean exchange: an HTTP/1.1 response without <c>Connection: close</c>, framed by
    /// Content-Length, chunked or its status (204, 304), not to HEAD, not 101, both bodies read to their framed end, no
    /// byte left over, no error. Otherwise it is closed. <see cref="ExchangeEnd.Retry"/> (only when
    /// <paramref name="mayRetry"/>) means nothing was received and nothing was recorded or answered yet.
    /// </summary>
    private async Task<ExchangeEnd> ExchangeAndRecordAsync(
        ProxyMode mode, string host, int port, string? path, HttpHead upstreamHead, BodyFraming framing, long length, bool persistent,
        BufferedReader clientReader, Stream clientStream, UpstreamConnection upstream, bool mayRetry, IdleTimeout idle)
    {
        CancellationToken ct = idle.Token;
        Stream upstreamStream = upstream.Stream;
        long up = 0;
        long down = 0;
        int status = 0;
        bool responded = false;
        bool received = false;
        bool upstreamKeeps = false;
        bool released = false;
        Task<long>? body = null;
        using BufferedReader upstreamReader = new(upstreamStream);

        // Hands the upstream connection back as soon as its side of the exchange is complete, before the client sees the
        // response end: a client that sends its next request at once (on any connection) then finds it in the pool.
        void ReleaseIfClean()
        {
            if (!released && upstreamKeeps && body is { IsCompletedSuccessfully: true } && upstreamReader.BufferedCount == 0)
            {
                released = true;
                _ctx.Pool.Return(upstream);
            }
        }

        try
        {
            await upstreamStream.WriteAsync(upstreamHead.ToBytes(), ct);
            await upstreamStream.FlushAsync(ct);
            body = HttpBody.CopyAsync(clientReader, framing, length, upstreamStream, idle.Touch, null, ct, dropTrailers: true);
            await upstream.WaitReadableAsync(ct);
            HttpHead response;
            while (true)
            {
                (HeadReadStatus st, string? text) = await upstreamReader.ReadHeadAsync(_ctx.Options.MaxHeaderBytes, ct);
                received |= st != HeadReadStatus.EndOfStream; // any response byte, even a garbled one, forbids a retry
                HttpHead? parsed = st == HeadReadStatus.Ok && text is not null ? HttpHead.TryParse(text, isRequest: false, out _) : null;
                if (parsed is null)
                {
                    throw new IOException("the upstream sent no valid response head");
                }

                upstreamKeeps = Persistence.UpstreamAllows(parsed); // before its Connection header is stripped
                upstream.IdleLimit = Persistence.UpstreamIdleLimit(parsed, UpstreamPool.IdleLimit); // and its Keep-Alive
                HeaderFilter.StripHopByHop(parsed);
                if (upstream.Key.Route is string routeName && _ctx.Services.TryGetValue(routeName, out ResolvedService? route))
                {
                    _ = CredentialEcho.Mask(parsed, route); // interim (103 Early Hints) heads too
                }

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

            if (response.Count("Transfer-Encoding") > 0 && response.Count("Content-Length") > 0)
            {
                // RFC 9112 section 6.3 (3): Transfer-Encoding wins, the length must not reach the client, and a message
                // framed both ways may be an attempt at desync: the connection is not reused.
                response.Remove("Content-Length");
                upstreamKeeps = false;
            }

            upstreamKeeps &= MayPool(upstreamHead, framing, upstream.Key.Route is not null, response, responseFraming);
            persistent &= Persistence.ResponseAllows(response, responseFraming);
            if (!persistent)
            {
                response.Headers.Add(new("Connection", "close"));
            }

            status = response.StatusCode;
            if (responseFraming == BodyFraming.None || (responseFraming == BodyFraming.ContentLength && responseLength == 0))
            {
                ReleaseIfClean(); // the head is the whole response
            }

            await clientStream.WriteAsync(response.ToBytes(), ct);
            await clientStream.FlushAsync(ct);
            responded = true;
            // A credential route's response trailers are dropped: they could echo the injected credential, and only
            // the head is masked (review of session 10).
            down = await HttpBody.CopyAsync(upstreamReader, responseFraming, responseLength, clientStream, idle.Touch, ReleaseIfClean, ct, dropTrailers: upstream.Key.Route is not null);
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
            ReleaseIfClean(); // when the request body finished only after the response
            Emit(mode, host, port, upstreamHead.Method, path, ProxyDecision.Allowed, "allowed", status, up, down);
            return persistent ? ExchangeEnd.KeepAlive : ExchangeEnd.Close;
        }
        catch (Exception ex) when (ex is IOException or SocketException or AuthenticationException)
        {
            if (mayRetry && !received && upstreamReader.BufferedCount == 0)
            {
                return ExchangeEnd.Retry; // the pooled connection died under the request; no byte of a response came
            }

            Emit(mode, host, port, upstreamHead.Method, path, ProxyDecision.UpstreamFailed, "upstream-error", responded ? status : 502, up, down);
            if (!responded)
            {
                await WriteErrorAsync(clientStream, 502, "upstream-error", "the upstream failed", ct);
            }

            return ExchangeEnd.Close;
        }
        finally
        {
            _ = body?.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            if (!released)
            {
                upstream.Dispose(); // not clean, or the exchange failed before the upstream side was complete
            }
        }
    }
}
