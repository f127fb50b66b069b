using System.Net.Sockets;
using System.Security.Authentication;

namespace Nono.Core.Proxy;

internal sealed partial class ProxyConnection
{
    /// <summary>
    /// Requests the upstream keeps its connection unless the pool would not take it back anyway (a HEAD response's end
    /// is not visible on the wire, and servers that wrongly send a body to HEAD would desync the next exchange).
    /// </summary>
    private static void AskCloseWhenNotPooled(HttpHead upstreamHead)
    {
        if (string.Equals(upstreamHead.Method, "HEAD", StringComparison.Ordinal))
        {
            upstreamHead.Headers.Add(new("Connection", "close"));
        }
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
        bool returnToPool = false;
        Task<long>? body = null;
        using BufferedReader upstreamReader = new(upstreamStream);
        try
        {
            await upstreamStream.WriteAsync(upstreamHead.ToBytes(), ct);
            await upstreamStream.FlushAsync(ct);
            body = HttpBody.CopyAsync(clientReader, framing, length, upstreamStream, idle.Touch, ct);
            await upstream.WaitReadableAsync(ct);
            HttpHead response;
            bool upstreamKeeps;
            while (true)
            {
                (HeadReadStatus st, string? text) = await upstreamReader.ReadHeadAsync(_ctx.Options.MaxHeaderBytes, ct);
                HttpHead? parsed = st == HeadReadStatus.Ok && text is not null ? HttpHead.TryParse(text, isRequest: false, out _) : null;
                if (parsed is null)
                {
                    throw new IOException("the upstream sent no valid response head");
                }

                received = true;
                upstreamKeeps = Persistence.UpstreamAllows(parsed); // before its Connection header is stripped
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

            upstreamKeeps &= responseFraming != BodyFraming.UntilClose && response.StatusCode != 101
                && !string.Equals(upstreamHead.Method, "HEAD", StringComparison.Ordinal);
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
            returnToPool = upstreamKeeps && body.IsCompletedSuccessfully && upstreamReader.BufferedCount == 0;
            Emit(mode, host, port, upstreamHead.Method, path, ProxyDecision.Allowed, "allowed", status, up, down);
            return persistent ? ExchangeEnd.KeepAlive : ExchangeEnd.Close;
        }
        catch (Exception ex) when (ex is IOException or SocketException or AuthenticationException)
        {
            returnToPool = false;
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
            if (returnToPool)
            {
                _ctx.Pool.Return(upstream);
            }
            else
            {
                upstream.Dispose();
            }
        }
    }
}
