using System.Net.Sockets;
using System.Text;

namespace Nono.Core.Proxy;

/// <summary>
/// Serves one client connection: reads request heads one after the other, authenticates and checks each, and handles
/// it as a CONNECT tunnel (which ends the request loop), an absolute-form forward or a credential route.
/// </summary>
internal sealed partial class ProxyConnection
{
    private readonly ProxyContext _ctx;
    private readonly Socket _client;
    private readonly CancellationToken _shutdown;
    private long _started;
    private DateTimeOffset _startedAt;

    public ProxyConnection(ProxyContext ctx, Socket client, CancellationToken shutdown)
    {
        _ctx = ctx;
        _client = client;
        _shutdown = shutdown;
    }

    public async Task RunAsync()
    {
        using IdleTimeout idle = new(_ctx.Options.IdleTimeout, _ctx.Time, _shutdown);
        await using NetworkStream stream = new(_client, ownsSocket: true);
        using BufferedReader reader = new(stream);
        try
        {
            // HTTP/1.1 persistent connection: every request is parsed, authenticated and checked on its own; any
            // refusal, error or unframeable response ends the connection.
            while (await ServeOneAsync(reader, stream, idle))
            {
                idle.Touch();
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // Client went away, idle timeout, or proxy shutdown: the connection simply ends.
        }
    }

    /// <summary>Reads and handles one request; true when the connection may carry another one.</summary>
    private async Task<bool> ServeOneAsync(BufferedReader reader, NetworkStream stream, IdleTimeout idle)
    {
        (HeadReadStatus status, string? text) = await reader.ReadHeadAsync(_ctx.Options.MaxHeaderBytes, idle.Token);
        _started = _ctx.Time.GetTimestamp();
        _startedAt = _ctx.Time.GetUtcNow();
        if (status == HeadReadStatus.TooLarge)
        {
            await RefuseAsync(stream, ProxyMode.Unknown, null, 0, null, 431, "header-too-large", "request head exceeds the size limit", idle.Token);
            return false;
        }

        if (status != HeadReadStatus.Ok || text is null)
        {
            return false;
        }

        HttpHead? head = HttpHead.TryParse(text, isRequest: true, out string? error);
        if (head is null)
        {
            await RefuseAsync(stream, ProxyMode.Unknown, null, 0, null, 400, "malformed-request", error ?? "malformed request", idle.Token);
            return false;
        }

        if (head.Target.StartsWith(_ctx.SelfPrefix, StringComparison.OrdinalIgnoreCase))
        {
            // A client that ignored NO_PROXY sent a credential-route request through the proxy to the proxy itself.
            head.Second = head.Target[(_ctx.SelfPrefix.Length - 1)..];
        }

        bool persistent = Persistence.ClientAllows(head); // read before hop-by-hop headers are stripped
        if (string.Equals(head.Method, "CONNECT", StringComparison.Ordinal))
        {
            await ConnectAsync(head, reader, stream, idle);
            return false;
        }

        if (head.Target.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || head.Target.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            return await ForwardAsync(head, persistent, reader, stream, idle);
        }

        if (head.Target.StartsWith('/'))
        {
            return await ReverseAsync(head, persistent, reader, stream, idle);
        }

        await RefuseAsync(stream, ProxyMode.Unknown, null, 0, head.Method, 400, "malformed-request", "unsupported request target form", idle.Token);
        return false;
    }

    private void Emit(ProxyMode mode, string? host, int port, string? method, string? path, ProxyDecision decision, string reason, int status, long up = 0, long down = 0) =>
        _ctx.Sink.Record(new ProxyEvent
        {
            Timestamp = _startedAt,
            Mode = mode,
            Host = host is null ? null : Redact(host),
            Port = port,
            Method = method is null ? null : Redact(method),
            Path = path is null ? null : Redact(path),
            Decision = decision,
            Reason = reason,
            Status = status,
            BytesUp = up,
            BytesDown = down,
            Duration = _ctx.Time.GetElapsedTime(_started),
        });

    /// <summary>Writes a short plain-text error response and records the denial.</summary>
    private async Task RefuseAsync(Stream stream, ProxyMode mode, string? host, int port, string? method, int status, string reason, string message, CancellationToken cancellationToken, string? path = null)
    {
        ProxyDecision decision = status is 502 or 504 ? ProxyDecision.UpstreamFailed : ProxyDecision.Denied;
        Emit(mode, host, port, method, path, decision, reason, status);
        await WriteErrorAsync(stream, status, reason, message, cancellationToken);
        await LingeringClose.RunAsync(_client, _ctx.Time, cancellationToken);
    }

    /// <summary>The error text for a refused target: a port no entry opens names the entry that would open it.</summary>
    private static string Denial(string host, int port, string reason) =>
        reason.StartsWith("port-not-allowed:", StringComparison.Ordinal)
            ? $"port {port} of '{host}' is not allowed ({reason}; an allow entry HOST:{port} opens it)"
            : $"host '{host}' is not allowed ({reason})";

    internal static async Task WriteErrorAsync(Stream stream, int status, string reason, string message, CancellationToken cancellationToken)
    {
        byte[] body = Encoding.UTF8.GetBytes($"nono: {message}\n");
        HttpHead response = HttpHead.CreateResponse(status, Phrase(status));
        response.Headers.Add(new("Content-Type", "text/plain; charset=utf-8"));
        response.Headers.Add(new("Content-Length", body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        response.Headers.Add(new("Connection", "close"));
        response.Headers.Add(new("X-Nono-Reason", reason));
        if (status == 407)
        {
            response.Headers.Add(new("Proxy-Authenticate", "Basic realm=\"nono\""));
        }

        await stream.WriteAsync(response.ToBytes(), cancellationToken);
        await stream.WriteAsync(body, cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }

    private static string Phrase(int status) => status switch
    {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        407 => "Proxy Authentication Required",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        431 => "Request Header Fields Too Large",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Error",
    };
}
