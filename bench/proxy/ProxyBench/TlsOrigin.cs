using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ProxyBench;

/// <summary>
/// A loopback HTTPS origin with a certificate made at start (its CA is handed to the proxy as trust root). Keep-alive
/// HTTP/1.1 answering every request with a tiny 200; honours <c>Connection: close</c>. Counts accepted connections.
/// </summary>
internal sealed class TlsOrigin : IDisposable
{
    private static readonly byte[] s_response = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"u8.ToArray();
    private static readonly byte[] s_closing = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"u8.ToArray();
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly X509Certificate2 _server;
    private int _accepts;

    public TlsOrigin(string dnsName)
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        using ECDsa caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        CertificateRequest caRequest = new("CN=nono bench CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        Ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(1));
        using ECDsa leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        CertificateRequest leafRequest = new("CN=" + dnsName, leafKey, HashAlgorithmName.SHA256);
        SubjectAlternativeNameBuilder san = new();
        san.AddDnsName(dnsName);
        leafRequest.CertificateExtensions.Add(san.Build());
        using X509Certificate2 leaf = leafRequest.Create(Ca, now.AddHours(-1), now.AddDays(1), RandomNumberGenerator.GetBytes(8));
        using X509Certificate2 withKey = leaf.CopyWithPrivateKey(leafKey);
        _server = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pfx), null);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(512);
        _ = AcceptLoopAsync();
    }

    public X509Certificate2 Ca { get; }

    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    public int Accepts => Volatile.Read(ref _accepts);

    public void Dispose()
    {
        _listener.Dispose();
        _server.Dispose();
        Ca.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync();
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return;
            }

            client.NoDelay = true;
            Interlocked.Increment(ref _accepts);
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(Socket client)
    {
        try
        {
            await using SslStream tls = new(new NetworkStream(client, ownsSocket: true));
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _server });
            byte[] buffer = new byte[16 * 1024];
            int got = 0;
            while (true)
            {
                int end;
                while ((end = buffer.AsSpan(0, got).IndexOf("\r\n\r\n"u8)) < 0)
                {
                    int n = await tls.ReadAsync(buffer.AsMemory(got));
                    if (n == 0)
                    {
                        return;
                    }

                    got += n;
                }

                bool close = buffer.AsSpan(0, end).IndexOf("\r\nConnection: close"u8) >= 0;
                await tls.WriteAsync(close ? s_closing : s_response);
                if (close)
                {
                    return;
                }

                int rest = got - (end + 4);
                Buffer.BlockCopy(buffer, end + 4, buffer, 0, rest);
                got = rest;
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or System.Security.Authentication.AuthenticationException)
        {
        }
    }
}
