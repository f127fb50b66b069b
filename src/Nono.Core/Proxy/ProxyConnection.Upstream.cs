using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Nono.Core.Proxy;

internal sealed partial class ProxyConnection
{
    /// <summary>
    /// Sends a checked request over a pooled or new upstream connection and relays the response. A reused connection that
    /// fails before any response byte arrived is replaced once by a new one, and only for a request that is safe to send
    /// again: an idempotent method (RFC 9110 section 9.2.2) without a body (bodies are streamed, not kept). Anything else
    /// (a POST in particular) gets a 502 rather than a second delivery (RFC 9112 section 9.3.1).
    /// </summary>
    private async Task<bool> RelayAsync(
        ProxyMode mode, string eventHost, int port, string? path, string describe, UpstreamKey key, bool trustedTarget, HttpHead upstreamHead,
        BodyFraming framing, long length, bool persistent, BufferedReader reader, NetworkStream stream, IdleTimeout idle)
    {
        CancellationToken ct = idle.Token;
        bool mayRetry = framing == BodyFraming.None && IsIdempotent(upstreamHead.Method);
        if (framing == BodyFraming.ContentLength)
        {
            upstreamHead.Set("Content-Length", length.ToString(CultureInfo.InvariantCulture)); // one line, the parsed value
        }

        UpstreamConnection? upstream = _ctx.Pool.TryRent(key);
        while (true)
        {
            if (upstream is null)
            {
                (upstream, int status, string reason) = await OpenUpstreamAsync(key, trustedTarget, ct);
                if (upstream is null)
                {
                    string message = reason == "upstream-tls-failed" ? $"TLS to {describe} failed" : $"cannot connect to {describe} ({reason})";
                    await RefuseAsync(stream, mode, eventHost, port, upstreamHead.Method, status, reason, message, ct, path);
                    return false;
                }
            }

            ExchangeEnd end = await ExchangeAndRecordAsync(
                mode, eventHost, port, path, upstreamHead, framing, length, persistent, reader, stream, upstream, mayRetry && upstream.Reused, idle);
            if (end != ExchangeEnd.Retry)
            {
                return end == ExchangeEnd.KeepAlive;
            }

            upstream = null; // the failed one is closed; the retry uses a new connection, never another pooled one
        }
    }

    /// <summary>Connects to a checked address of the key's host and, for https, completes TLS with the session's trust roots.</summary>
    private async Task<(UpstreamConnection? Connection, int Status, string Reason)> OpenUpstreamAsync(UpstreamKey key, bool trustedTarget, CancellationToken cancellationToken)
    {
        ConnectOutcome outcome = await _ctx.Connector.ConnectAsync(key.Host, key.Port, trustedTarget, cancellationToken);
        if (outcome.Socket is not Socket socket)
        {
            return (null, outcome.Status, outcome.Reason);
        }

        NetworkStream network = new(socket, ownsSocket: true);
        if (key.Scheme != Uri.UriSchemeHttps)
        {
            return (new UpstreamConnection(key, socket, network, _ctx.Time.GetTimestamp()), 200, "allowed");
        }

        SslStream tls = new(new ThreadPoolReadStream(network), leaveInnerStreamOpen: false);
        try
        {
            await tls.AuthenticateAsClientAsync(TlsOptions(key.Host), cancellationToken);
            return (new UpstreamConnection(key, socket, tls, _ctx.Time.GetTimestamp()), 200, "allowed");
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or SocketException)
        {
            // A refused certificate, or a connection dropped during the handshake: either way a 502 and an event.
            await tls.DisposeAsync();
            return (null, 502, "upstream-tls-failed");
        }
        catch
        {
            await tls.DisposeAsync();
            throw;
        }
    }

    private SslClientAuthenticationOptions TlsOptions(string host)
    {
        SslClientAuthenticationOptions options = new()
        {
            TargetHost = host,
            ApplicationProtocols = [SslApplicationProtocol.Http11],
        };
        if (_ctx.Options.UpstreamTrustRoots is { } roots)
        {
            X509ChainPolicy policy = new() { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
            policy.CustomTrustStore.AddRange(roots);
            options.CertificateChainPolicy = policy;
        }

        return options;
    }

    private static bool IsIdempotent(string method) => method is "GET" or "HEAD" or "OPTIONS" or "PUT" or "DELETE"; // TRACE is idempotent but never worth a second echo
}
