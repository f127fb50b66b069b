using System.Net.Sockets;

namespace Nono.Core.Proxy;

/// <summary>
/// The check of a tunnel's first bytes: a TLS ClientHello must name the host the client asked to CONNECT to, so an
/// allowed name cannot carry a TLS session to another site served from the same addresses (domain fronting on a
/// CDN). Read once, bounded in bytes and time, then relayed unchanged: the TLS session stays end to end.
/// </summary>
internal sealed partial class ProxyConnection
{
    /// <summary>The most bytes read while waiting for a complete ClientHello.</summary>
    internal const int MaxClientHelloBytes = 32 * 1024;

    /// <summary>How long a tunnel may take to send its ClientHello.</summary>
    internal static readonly TimeSpan ClientHelloTimeout = TimeSpan.FromSeconds(10);

    // A fatal unrecognized_name alert (RFC 8446 6): the client's TLS stack reports a refused handshake, not garbage.
    private static readonly byte[] s_refusedHandshakeAlert = [21, 3, 3, 0, 2, 2, 112];

    /// <summary>Null when the tunnel may be relayed, else the refusal reason. Buffered bytes stay in <paramref name="reader"/>.</summary>
    private async Task<string?> CheckTunnelStartAsync(string host, int port, BufferedReader reader, Socket upstream, CancellationToken idleToken)
    {
        using CancellationTokenSource limit = new(ClientHelloTimeout, _ctx.Time);
        using CancellationTokenSource bounded = CancellationTokenSource.CreateLinkedTokenSource(idleToken, limit.Token);
        try
        {
            if (reader.BufferedCount == 0 && port != AllowEntry.TunnelPort && await UpstreamSpeaksFirstAsync(reader, upstream, bounded.Token))
            {
                return null; // a TLS client always speaks first: this is another protocol (SSH, SMTP ...), nothing to check
            }

            while (true)
            {
                switch (TlsClientHello.TryParse(reader.Buffered, out string? serverName))
                {
                    case ClientHelloStatus.NotTls:
                        return port == AllowEntry.TunnelPort ? "tunnel-not-tls" : null;
                    case ClientHelloStatus.Malformed:
                        return "tls-hello-malformed";
                    case ClientHelloStatus.Complete:
                        return ServerNameRefusal(host, serverName);
                }

                if (reader.BufferedCount >= MaxClientHelloBytes)
                {
                    return "tls-hello-too-large";
                }

                if (await reader.ReadMoreAsync(MaxClientHelloBytes, bounded.Token) == 0)
                {
                    // The client closed its side. Nothing sent can reach the site only on another port.
                    return reader.BufferedCount > 0 ? "tls-hello-incomplete" : port == AllowEntry.TunnelPort ? "tunnel-not-tls" : null;
                }
            }
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !idleToken.IsCancellationRequested)
        {
            return "tls-hello-timeout";
        }
    }

    /// <summary>SNI rules: the same name as the CONNECT (case and a trailing dot aside); only a literal-IP CONNECT may omit it.</summary>
    private static string? ServerNameRefusal(string connectHost, string? serverName)
    {
        if (serverName is null)
        {
            return HostName.IsIpLiteral(connectHost) ? null : "sni-missing";
        }

        return HostName.TryNormalize(serverName, out string? normalized, out _) && string.Equals(normalized, connectHost, StringComparison.Ordinal)
            ? null
            : "sni-mismatch";
    }

    /// <summary>Waits for the first bytes from either side; true when the upstream sent first (the client sent nothing yet).</summary>
    private static async Task<bool> UpstreamSpeaksFirstAsync(BufferedReader reader, Socket upstream, CancellationToken cancellationToken)
    {
        using CancellationTokenSource race = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task<int> client = reader.ReadMoreAsync(MaxClientHelloBytes, race.Token).AsTask();
        Task<int> server = upstream.ReceiveAsync(new byte[1], SocketFlags.Peek, race.Token).AsTask(); // peek: the tunnel relays it
        await Task.WhenAny(client, server);
        await race.CancelAsync();
        // Cancelling a pending socket read consumes nothing; a read that completed meanwhile keeps its bytes in the reader.
        await Task.WhenAll(client, server).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        cancellationToken.ThrowIfCancellationRequested();
        if (client.IsCompletedSuccessfully)
        {
            return false;
        }

        if (client.Exception is { } failure)
        {
            throw failure.InnerException ?? failure; // the client went away: the connection ends
        }

        return true;
    }

    /// <summary>Records a refused tunnel start and tells the client: a TLS alert during a handshake, else the HTTP error.</summary>
    private async Task RefuseTunnelAsync(Stream stream, string host, int port, string method, string reason, CancellationToken cancellationToken)
    {
        Emit(ProxyMode.Connect, host, port, method, null, ProxyDecision.Denied, reason, 403);
        if (reason == "tunnel-not-tls")
        {
            await WriteErrorAsync(stream, 403, reason, $"the tunnel to '{host}' port {port} must start with a TLS handshake ({reason})", cancellationToken);
        }
        else
        {
            await stream.WriteAsync(s_refusedHandshakeAlert, cancellationToken);
        }

        await LingeringClose.RunAsync(_client, _ctx.Time, cancellationToken);
    }
}
