using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Nono.Core.Proxy;

namespace Nono.Core.Tests.Proxy;

/// <summary>Starts proxies and clients for tests. Every address involved is loopback.</summary>
internal static class ProxyHarness
{
    public const string TestHost = "api.test.example";

    /// <summary>The allow entry for <paramref name="host"/> on <paramref name="port"/> (a port-less entry opens only 443 and 80).</summary>
    public static string At(string host, int port) => $"{host}:{port}";

    public static ResolverOverride Loopback(string host) => new(host, IPAddress.Loopback);

    public static Task<RunningProxy> StartAsync(ProxyOptions options, CapturingSink sink) =>
        EgressProxy.StartAsync(options, listener: null, sink, TestContext.Current.CancellationToken);

    /// <summary>An HttpClient that uses the proxy (CONNECT for https, absolute-form for http) with the given password.</summary>
    public static HttpClient ProxiedClient(RunningProxy proxy, string? password = null, X509Certificate2Collection? trust = null)
    {
        SocketsHttpHandler handler = new()
        {
            Proxy = new WebProxy(proxy.BaseUrl) { Credentials = new NetworkCredential("nono", password ?? proxy.SessionToken) },
            UseProxy = true,
            PooledConnectionLifetime = TimeSpan.Zero,
        };
        if (trust is not null)
        {
            X509ChainPolicy policy = new() { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
            policy.CustomTrustStore.AddRange(trust);
            handler.SslOptions.CertificateChainPolicy = policy;
        }

        return new HttpClient(handler);
    }

    /// <summary>A client that talks to the proxy's credential routes directly (as the child does, NO_PROXY covers loopback).</summary>
    public static HttpClient DirectClient() => new(new SocketsHttpHandler { UseProxy = false });

    public static string BasicProxyAuth(string password) =>
        "Proxy-Authorization: Basic " + Convert.ToBase64String(Encoding.ASCII.GetBytes("nono:" + password)) + "\r\n";

    /// <summary>
    /// Sends raw bytes to the proxy, half-closes (the proxy keeps connections open for more requests until the client
    /// ends), and returns everything it answers until it closes the connection.
    /// </summary>
    public static async Task<string> RawAsync(RunningProxy proxy, string request)
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using Socket socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, proxy.Port), ct);
        await socket.SendAsync(Encoding.Latin1.GetBytes(request), SocketFlags.None, ct);
        socket.Shutdown(SocketShutdown.Send);
        return await ReadToEndAsync(socket, ct);
    }

    public static async Task<string> ReadToEndAsync(Socket socket, CancellationToken cancellationToken)
    {
        // A hang guard, not a timing assertion: a proxy that never closes fails the test instead of stalling CI.
        using CancellationTokenSource guard = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        guard.CancelAfter(TimeSpan.FromSeconds(60));
        CancellationToken ct = guard.Token;
        MemoryStream received = new();
        byte[] buffer = new byte[8192];
        while (true)
        {
            int n;
            try
            {
                n = await socket.ReceiveAsync(buffer, SocketFlags.None, ct);
            }
            catch (SocketException)
            {
                break;
            }

            if (n == 0)
            {
                break;
            }

            received.Write(buffer, 0, n);
        }

        return Encoding.Latin1.GetString(received.ToArray());
    }

    /// <summary>Reads from <paramref name="socket"/> until <paramref name="marker"/> has arrived.</summary>
    public static async Task<string> ReadUntilAsync(Socket socket, string marker, CancellationToken ct)
    {
        StringBuilder sb = new();
        byte[] buffer = new byte[4096];
        while (!sb.ToString().Contains(marker, StringComparison.Ordinal))
        {
            int n = await socket.ReceiveAsync(buffer, SocketFlags.None, ct);
            if (n == 0)
            {
                break;
            }

            sb.Append(Encoding.Latin1.GetString(buffer, 0, n));
        }

        return sb.ToString();
    }
}
