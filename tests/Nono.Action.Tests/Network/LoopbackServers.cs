using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Nono.Action.Tests.Network;

/// <summary>
/// Real servers on the host's loopback that a sandbox must not reach directly: an HTTP server (reached only through
/// the proxy), a TCP listener on another port, a UDP listener, a tiny DNS responder, and UNIX sockets at a path and
/// in the abstract namespace. Each counts what reached it.
/// </summary>
internal sealed class LoopbackServers : IAsyncDisposable
{
    public const string HttpBody = "hello-from-the-loopback-http-server";

    private readonly TcpListener _http = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _httpLoop;
    private readonly Task _dnsLoop;
    private int _httpRequests;
    private int _dnsQueries;

    public LoopbackServers(string unixDirectory)
    {
        _http.Start();
        OtherTcp = new TcpListener(IPAddress.Loopback, 0);
        OtherTcp.Start();
        Udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        Dns = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        UnixPath = Path.Combine(unixDirectory, "host.sock");
        UnixServer = Listen(new UnixDomainSocketEndPoint(UnixPath));
        File.SetUnixFileMode(UnixPath, (UnixFileMode)0b111_111_111); // any test user may connect, as to docker.sock
        AbstractName = $"nono-test-{Guid.NewGuid():N}";
        AbstractServer = Listen(new UnixDomainSocketEndPoint("\0" + AbstractName));
        _httpLoop = Task.Run(ServeHttpAsync);
        _dnsLoop = Task.Run(ServeDnsAsync);
    }

    public int HttpPort => ((IPEndPoint)_http.LocalEndpoint).Port;

    /// <summary>The <c>--allow-domain</c> entry for <paramref name="host"/> on the HTTP server's port (a port-less entry opens only 80 and 443).</summary>
    public string ApiEntry(string host = "api.test") => $"{host}:{HttpPort}";

    public TcpListener OtherTcp { get; }

    public int OtherTcpPort => ((IPEndPoint)OtherTcp.LocalEndpoint).Port;

    public UdpClient Udp { get; }

    public int UdpPort => ((IPEndPoint)Udp.Client.LocalEndPoint!).Port;

    public UdpClient Dns { get; }

    public int DnsPort => ((IPEndPoint)Dns.Client.LocalEndPoint!).Port;

    public string UnixPath { get; }

    public Socket UnixServer { get; }

    public string AbstractName { get; }

    public Socket AbstractServer { get; }

    public int HttpRequests => Volatile.Read(ref _httpRequests);

    public int DnsQueries => Volatile.Read(ref _dnsQueries);

    /// <summary>The probe's arguments, in its order.</summary>
    public string[] ProbeArguments =>
        [HttpPort.ToString(), OtherTcpPort.ToString(), UdpPort.ToString(), DnsPort.ToString(), UnixPath, AbstractName];

    /// <summary>True when a connection waits on either UNIX server (poll with zero timeout: no waiting).</summary>
    public bool UnixPending => UnixServer.Poll(0, SelectMode.SelectRead) || AbstractServer.Poll(0, SelectMode.SelectRead);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _http.Stop();
        OtherTcp.Stop();
        Udp.Dispose();
        Dns.Dispose();
        UnixServer.Dispose();
        AbstractServer.Dispose();
        await Task.WhenAll(_httpLoop, _dnsLoop).ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private static Socket Listen(EndPoint endPoint)
    {
        Socket socket = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(endPoint);
        socket.Listen(16);
        return socket;
    }

    private async Task ServeHttpAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            using TcpClient client = await _http.AcceptTcpClientAsync(_stop.Token);
            NetworkStream stream = client.GetStream();
            byte[] buffer = new byte[8192];
            StringBuilder head = new();
            while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                int n = await stream.ReadAsync(buffer, _stop.Token);
                if (n == 0)
                {
                    break;
                }

                head.Append(Encoding.ASCII.GetString(buffer, 0, n));
            }

            Interlocked.Increment(ref _httpRequests);
            byte[] response = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {HttpBody.Length}\r\nConnection: close\r\n\r\n{HttpBody}");
            await stream.WriteAsync(response, _stop.Token);
        }
    }

    /// <summary>Answers every A query with 127.0.0.1 (enough for a resolver to succeed), counting queries.</summary>
    private async Task ServeDnsAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            UdpReceiveResult query = await Dns.ReceiveAsync(_stop.Token);
            Interlocked.Increment(ref _dnsQueries);
            byte[] q = query.Buffer;
            if (q.Length < 12)
            {
                continue;
            }

            byte[] answer = [0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 1];
            byte[] response = [.. q, .. answer];
            response[2] = 0x81; // QR, RD
            response[3] = 0x80; // RA
            response[7] = 1; // ANCOUNT
            await Dns.SendAsync(response, query.RemoteEndPoint, _stop.Token);
        }
    }
}
