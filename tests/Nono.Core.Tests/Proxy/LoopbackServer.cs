using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Nono.Core.Tests.Proxy;

/// <summary>
/// A tiny HTTP/1.1 origin server on 127.0.0.1 (optionally TLS) written independently of the proxy's parser. It records
/// each request (with the number of the connection it came on) and lets the test decide the response. With the default
/// handler, or when asked, it keeps connections open for further requests (as its Keep-Alive header says) until the
/// client asks to close; a handler ends a connection by disposing the stream. Otherwise one request per connection.
/// </summary>
internal sealed class LoopbackServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly X509Certificate2? _certificate;
    private readonly Func<RecordedRequest, Stream, Task> _handler;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly bool _keepAlive;
    private readonly ConcurrentQueue<Task> _connections = new();
    private int _accepts;

    public LoopbackServer(Func<RecordedRequest, Stream, Task>? handler = null, X509Certificate2? certificate = null, bool? keepAlive = null, IPEndPoint? endPoint = null)
    {
        _listener = new TcpListener(endPoint ?? new IPEndPoint(IPAddress.Loopback, 0));
        _certificate = certificate;
        _handler = handler ?? RespondTextAsync;
        _keepAlive = keepAlive ?? handler is null;
        _listener.Start();
        _loop = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>Connections accepted so far (each one a new TCP connection, and a new TLS handshake with a certificate).</summary>
    public int Accepts => Volatile.Read(ref _accepts);

    /// <summary>Completes when every connection accepted so far has ended (the peer closed it or a handler did).</summary>
    public Task AllConnectionsClosed => Task.WhenAll(_connections);

    /// <summary>Raw bytes of everything received (head and body), for "no byte of the secret" style checks.</summary>
    public ConcurrentQueue<byte[]> RawReceived { get; } = new();

    public static async Task RespondTextAsync(RecordedRequest request, Stream stream)
    {
        byte[] body = Encoding.UTF8.GetBytes("hello from upstream " + request.Target);
        string head = $"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\nX-Upstream: yes\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(body);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _connections.Enqueue(ServeAsync(client, Interlocked.Increment(ref _accepts)));
        }
    }

    private async Task ServeAsync(TcpClient client, int connection)
    {
        using (client)
        {
            try
            {
                Stream stream = client.GetStream();
                if (_certificate is not null)
                {
                    SslStream tls = new(stream);
                    await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, _stop.Token);
                    stream = tls;
                }

                bool closeAsked = false;
                await using (stream)
                {
                    do
                    {
                        RecordedRequest? request = await ReadRequestAsync(stream);
                        if (request is null)
                        {
                            break;
                        }

                        request = request with { Connection = connection };
                        Requests.Enqueue(request);
                        await _handler(request, stream);
                        await stream.FlushAsync();
                        closeAsked = request.Header("Connection")?.Contains("close", StringComparison.OrdinalIgnoreCase) == true;
                    }
                    while (_keepAlive && !closeAsked);
                }
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException
                                       or System.Security.Authentication.AuthenticationException)
            {
                // Connection dropped by the client or the proxy.
            }
        }
    }

    private async Task<RecordedRequest?> ReadRequestAsync(Stream stream)
    {
        MemoryStream raw = new();
        string? head = await ReadUntilAsync(stream, raw, "\r\n\r\n");
        if (head is null)
        {
            return null;
        }

        string[] lines = head[..^4].Split("\r\n");
        List<KeyValuePair<string, string>> headers = [];
        foreach (string line in lines.Skip(1))
        {
            int colon = line.IndexOf(':');
            headers.Add(new(line[..colon], line[(colon + 1)..].Trim()));
        }

        MemoryStream body = new();
        string? te = headers.FirstOrDefault(h => h.Key.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)).Value;
        string? cl = headers.FirstOrDefault(h => h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)).Value;
        if (te is not null)
        {
            while (true)
            {
                string sizeLine = (await ReadUntilAsync(stream, raw, "\r\n"))![..^2];
                int size = int.Parse(sizeLine.Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (size == 0)
                {
                    await ReadUntilAsync(stream, raw, "\r\n");
                    break;
                }

                await CopyExactAsync(stream, raw, body, size);
                await ReadUntilAsync(stream, raw, "\r\n");
            }
        }
        else if (cl is not null)
        {
            await CopyExactAsync(stream, raw, body, int.Parse(cl, CultureInfo.InvariantCulture));
        }

        RawReceived.Enqueue(raw.ToArray());
        return new RecordedRequest(lines[0], headers, body.ToArray(), head);
    }

    private static async Task<string?> ReadUntilAsync(Stream stream, MemoryStream raw, string terminator)
    {
        StringBuilder sb = new();
        byte[] one = new byte[1];
        while (!sb.ToString().EndsWith(terminator, StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(one) == 0)
            {
                return null;
            }

            raw.WriteByte(one[0]);
            sb.Append((char)one[0]);
        }

        return sb.ToString();
    }

    private static async Task CopyExactAsync(Stream stream, MemoryStream raw, MemoryStream body, int count)
    {
        byte[] buffer = new byte[count];
        await stream.ReadExactlyAsync(buffer);
        raw.Write(buffer);
        body.Write(buffer);
    }
}
