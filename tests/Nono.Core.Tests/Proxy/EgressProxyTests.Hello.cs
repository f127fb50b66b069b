using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Nono.Core.Proxy;
using Nono.Testing;

namespace Nono.Core.Tests.Proxy;

/// <summary>
/// The tunnel's first bytes: a TLS ClientHello must name the CONNECT host (SNI), a hostname CONNECT must carry one, and a
/// tunnel to 443 must start with TLS. Real TLS (SslStream, certificates made by the test) through real loopback sockets.
/// </summary>
public sealed partial class EgressProxyTests
{
    [Fact]
    public async Task Connect_ClientHelloNamingAnotherHost_IsRefusedSniMismatch_MatchingNameWorks()
    {
        using TestCertificates certs = new(ProxyHarness.TestHost);
        await using LoopbackServer origin = new(certificate: certs.Server);
        CapturingSink sink = new();
        RunningProxy proxy = await ProxyHarness.StartAsync(
            new ProxyOptions { AllowedHosts = [ProxyHarness.At(ProxyHarness.TestHost, origin.Port)], ResolverOverrides = [ProxyHarness.Loopback(ProxyHarness.TestHost)] }, sink);
        string target = $"{ProxyHarness.TestHost}:{origin.Port}";

        string matching = await GetThroughTunnelAsync(proxy, target, ProxyHarness.TestHost, "/matching", certs, checkName: true);
        string caseAndDot = await GetThroughTunnelAsync(proxy, target, "API.Test.Example.", "/case-and-dot", certs, checkName: false);
        Exception fronted = await Assert.ThrowsAnyAsync<Exception>(() => GetThroughTunnelAsync(proxy, target, "other.test.example", "/fronted", certs, checkName: false));
        await proxy.DisposeAsync();

        Assert.Equal("hello from upstream /matching", matching);
        Assert.Equal("hello from upstream /case-and-dot", caseAndDot);
        Assert.True(fronted is System.Security.Authentication.AuthenticationException or IOException, fronted.ToString());
        Assert.Equal(["/matching", "/case-and-dot"], origin.Requests.Select(r => r.Target));
        ProxyEvent denied = Assert.Single(sink.Events, e => e.Decision == ProxyDecision.Denied);
        Assert.Equal((ProxyMode.Connect, ProxyHarness.TestHost, origin.Port, "sni-mismatch"), (denied.Mode, denied.Host, denied.Port, denied.Reason));
    }

    [Fact]
    public async Task Connect_ClientHelloWithoutSni_IsRefusedForAHostName_AllowedForALiteralIp()
    {
        using TestCertificates certs = new(ProxyHarness.TestHost);
        await using LoopbackServer origin = new(certificate: certs.Server);
        CapturingSink sink = new();
        RunningProxy proxy = await ProxyHarness.StartAsync(
            new ProxyOptions
            {
                AllowedHosts = [ProxyHarness.At(ProxyHarness.TestHost, origin.Port), ProxyHarness.At("127.0.0.1", origin.Port)],
                ResolverOverrides = [ProxyHarness.Loopback(ProxyHarness.TestHost)],
                PermittedAddresses = PermittedAddresses.Loopback,
            },
            sink);

        // An IP literal as TargetHost: SslStream sends no server name (RFC 6066 has none for addresses).
        string literal = await GetThroughTunnelAsync(proxy, $"127.0.0.1:{origin.Port}", "127.0.0.1", "/literal", certs, checkName: false);
        Exception nameless = await Assert.ThrowsAnyAsync<Exception>(
            () => GetThroughTunnelAsync(proxy, $"{ProxyHarness.TestHost}:{origin.Port}", "127.0.0.1", "/nameless", certs, checkName: false));
        await proxy.DisposeAsync();

        Assert.Equal("hello from upstream /literal", literal);
        Assert.True(nameless is System.Security.Authentication.AuthenticationException or IOException, nameless.ToString());
        Assert.Equal(["/literal"], origin.Requests.Select(r => r.Target));
        Assert.Equal("sni-missing", Assert.Single(sink.Events, e => e.Decision == ProxyDecision.Denied).Reason);
    }

    [Fact]
    public async Task Connect_Port443_PlainBytesAreRefusedTunnelNotTls_TlsWorks_OtherPortsRelayPlainBytes()
    {
        Assert.SkipUnless(ProcessRunner.IsRoot, "binding port 443 needs root");
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TestCertificates certs = new(ProxyHarness.TestHost);
        // A loopback address of its own, so port 443 is free whatever else runs.
        IPAddress address = IPAddress.Parse($"127.{Random.Shared.Next(1, 255)}.{Random.Shared.Next(1, 255)}.{Random.Shared.Next(2, 255)}");
        await using LoopbackServer tls443 = new(certificate: certs.Server, endPoint: new IPEndPoint(address, 443));
        await using LoopbackServer plain = new(endPoint: new IPEndPoint(address, 0));
        CapturingSink sink = new();
        RunningProxy proxy = await ProxyHarness.StartAsync(
            new ProxyOptions
            {
                AllowedHosts = [ProxyHarness.TestHost, ProxyHarness.At(ProxyHarness.TestHost, plain.Port)],
                ResolverOverrides = [new(ProxyHarness.TestHost, address)],
            },
            sink);
        string auth = ProxyHarness.BasicProxyAuth(proxy.SessionToken);

        string viaTls;
        using (HttpClient client = ProxyHarness.ProxiedClient(proxy, trust: certs.CaCollection))
        {
            viaTls = await client.GetStringAsync($"https://{ProxyHarness.TestHost}/tls", ct);
        }

        string plainOn443 = await ProxyHarness.RawAsync(proxy, $"CONNECT {ProxyHarness.TestHost}:443 HTTP/1.1\r\n{auth}\r\nGET /plain HTTP/1.1\r\nHost: x\r\n\r\n");
        string plainElsewhere = await ProxyHarness.RawAsync(proxy, $"CONNECT {ProxyHarness.TestHost}:{plain.Port} HTTP/1.1\r\n{auth}\r\nGET /elsewhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        await proxy.DisposeAsync();

        Assert.Equal("hello from upstream /tls", viaTls);
        Assert.StartsWith("HTTP/1.1 200 Connection Established\r\n\r\nHTTP/1.1 403 ", plainOn443, StringComparison.Ordinal);
        Assert.Contains("X-Nono-Reason: tunnel-not-tls\r\n", plainOn443, StringComparison.Ordinal);
        Assert.EndsWith("hello from upstream /elsewhere", plainElsewhere, StringComparison.Ordinal);
        Assert.Equal(["/tls"], tls443.Requests.Select(r => r.Target));
        ProxyEvent[] refusals = [.. sink.Events.Where(e => e.Decision == ProxyDecision.Denied && e.Status != 407)]; // HttpClient's 407 challenge aside
        Assert.Equal("tunnel-not-tls", Assert.Single(refusals).Reason);
    }

    [Fact]
    public async Task Connect_UpstreamSpeaksFirst_IsRelayedWithoutWaitingForTheClient()
    {
        // SSH, SMTP and the like: the server's banner comes first, and no TLS ClientHello can follow it to the same server.
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TcpListener banner = new(IPAddress.Loopback, 0);
        banner.Start();
        int port = ((IPEndPoint)banner.LocalEndpoint).Port;
        Task server = Task.Run(async () =>
        {
            using TcpClient accepted = await banner.AcceptTcpClientAsync(ct);
            NetworkStream s = accepted.GetStream();
            await s.WriteAsync("SSH-2.0-nono-test-server\r\n"u8.ToArray(), ct);
            byte[] buffer = new byte[256];
            int n = await s.ReadAsync(buffer, ct);
            await s.WriteAsync(Encoding.ASCII.GetBytes("got " + Encoding.ASCII.GetString(buffer, 0, n)), ct);
        }, ct);
        await using RunningProxy proxy = await ProxyHarness.StartAsync(
            new ProxyOptions { AllowedHosts = [ProxyHarness.At(ProxyHarness.TestHost, port)], ResolverOverrides = [ProxyHarness.Loopback(ProxyHarness.TestHost)] },
            new CapturingSink());
        using Socket tunnel = await SendConnectAsync(proxy, $"{ProxyHarness.TestHost}:{port}", ct);

        string greeting = await ProxyHarness.ReadUntilAsync(tunnel, "nono-test-server\r\n", ct);
        await tunnel.SendAsync("SSH-2.0-client\r\n"u8.ToArray(), SocketFlags.None, ct);
        tunnel.Shutdown(SocketShutdown.Send);
        string reply = await ProxyHarness.ReadToEndAsync(tunnel, ct);
        await server;

        Assert.EndsWith("\r\n\r\nSSH-2.0-nono-test-server\r\n", greeting, StringComparison.Ordinal);
        Assert.Equal("got SSH-2.0-client\r\n", reply);
    }

    [Fact]
    public async Task Connect_ClientSilentPastTheHelloBound_IsRefusedTlsHelloTimeout()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TcpListener silent = new(IPAddress.Loopback, 0);
        silent.Start();
        int port = ((IPEndPoint)silent.LocalEndpoint).Port;
        ManualTimeProvider clock = new();
        CapturingSink sink = new();
        await using RunningProxy proxy = await ProxyHarness.StartAsync(
            new ProxyOptions
            {
                AllowedHosts = [ProxyHarness.At(ProxyHarness.TestHost, port)],
                ResolverOverrides = [ProxyHarness.Loopback(ProxyHarness.TestHost)],
                IdleTimeout = TimeSpan.FromDays(1),
                TimeProvider = clock,
            },
            sink);
        using Socket tunnel = await SendConnectAsync(proxy, $"{ProxyHarness.TestHost}:{port}", ct);
        string established = await ProxyHarness.ReadUntilAsync(tunnel, "\r\n\r\n", ct);

        // Each step moves the clock by the bound; the proxy may not have started waiting at the first one (bounded: a hang fails).
        string after = string.Empty;
        int steps = 0;
        while (after.Length == 0 && steps++ < 60)
        {
            clock.Advance(TimeSpan.FromSeconds(10));
            after = await ReceiveWithinAsync(tunnel, TimeSpan.FromMilliseconds(500), ct);
        }

        Assert.StartsWith("HTTP/1.1 200 ", established, StringComparison.Ordinal);
        Assert.Equal("\u0015\u0003\u0003\u0000\u0002\u0002p", after); // a fatal TLS alert, then the proxy closes
        tunnel.Shutdown(SocketShutdown.Send);
        Assert.Equal(string.Empty, await ProxyHarness.ReadToEndAsync(tunnel, ct));
        Assert.Equal("tls-hello-timeout", Assert.Single(sink.Events).Reason);
    }

    /// <summary>GETs <paramref name="path"/> over TLS (server name <paramref name="serverName"/>) inside a CONNECT tunnel to <paramref name="target"/>.</summary>
    private static async Task<string> GetThroughTunnelAsync(RunningProxy proxy, string target, string serverName, string path, TestCertificates certs, bool checkName)
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using Socket socket = await SendConnectAsync(proxy, target, ct);
        string established = await ReadHeadByteByByteAsync(socket, ct);
        Assert.StartsWith("HTTP/1.1 200 ", established, StringComparison.Ordinal);

        SslClientAuthenticationOptions options = new() { TargetHost = serverName };
        if (checkName)
        {
            X509ChainPolicy policy = new() { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
            policy.CustomTrustStore.AddRange(certs.CaCollection);
            options.CertificateChainPolicy = policy;
        }
        else
        {
            // The server name is the test's subject, not the certificate's: pin the test's own server certificate instead.
            string pinned = certs.Server.GetCertHashString();
            options.RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == pinned;
        }

        await using SslStream tls = new(new NetworkStream(socket, ownsSocket: false));
        await tls.AuthenticateAsClientAsync(options, ct);
        await tls.WriteAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: {ProxyHarness.TestHost}\r\nConnection: close\r\n\r\n"), ct);
        using StreamReader reader = new(tls, Encoding.Latin1);
        string response = await reader.ReadToEndAsync(ct);
        return response[(response.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
    }

    /// <summary>Connects to the proxy and sends an authorized CONNECT for <paramref name="target"/> (HOST:PORT) and <paramref name="early"/> bytes.</summary>
    private static async Task<Socket> SendConnectAsync(RunningProxy proxy, string target, CancellationToken ct, string early = "")
    {
        Socket socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, proxy.Port), ct);
        await socket.SendAsync(Encoding.ASCII.GetBytes($"CONNECT {target} HTTP/1.1\r\n{ProxyHarness.BasicProxyAuth(proxy.SessionToken)}\r\n{early}"), SocketFlags.None, ct);
        return socket;
    }

    /// <summary>Reads the proxy's 200 head and not one byte more (the TLS handshake follows on the same socket).</summary>
    private static async Task<string> ReadHeadByteByByteAsync(Socket socket, CancellationToken ct)
    {
        StringBuilder head = new();
        byte[] one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await socket.ReceiveAsync(one, SocketFlags.None, ct) == 1)
        {
            head.Append((char)one[0]);
        }

        return head.ToString();
    }
}
