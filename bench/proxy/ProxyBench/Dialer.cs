using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ProxyBench;

/// <summary>Opens a TCP stream to the origin, directly or through an HTTP proxy's CONNECT.</summary>
internal sealed class Dialer
{
    private readonly IPEndPoint? _proxy;
    private readonly string? _auth;
    private readonly string _host;
    private readonly int _port;

    private Dialer(IPEndPoint? proxy, string? auth, string host, int port)
    {
        _proxy = proxy;
        _auth = auth;
        _host = host;
        _port = port;
    }

    public static Dialer From(string proxy, string auth, string host, int port) => new(
        proxy == "-" ? null : IPEndPoint.Parse(proxy),
        auth == "-" ? null : auth,
        host,
        port);

    public async Task<Socket> ConnectAsync()
    {
        Socket socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (_proxy is null)
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, _port));
            return socket;
        }

        await socket.ConnectAsync(_proxy);
        string authority = _host + ":" + _port.ToString(CultureInfo.InvariantCulture);
        string auth = _auth is null ? string.Empty : "Proxy-Authorization: Basic " + Convert.ToBase64String(Encoding.ASCII.GetBytes("nono:" + _auth)) + "\r\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes($"CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n{auth}\r\n"));
        byte[] one = new byte[1];
        StringBuilder head = new();
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await socket.ReceiveAsync(one) == 0)
            {
                throw new IOException("proxy closed during CONNECT");
            }

            head.Append((char)one[0]);
        }

        if (!head.ToString().StartsWith("HTTP/1.1 200", StringComparison.Ordinal) && !head.ToString().StartsWith("HTTP/1.0 200", StringComparison.Ordinal))
        {
            throw new IOException("CONNECT refused: " + head.ToString().Split('\r')[0]);
        }

        return socket;
    }
}
