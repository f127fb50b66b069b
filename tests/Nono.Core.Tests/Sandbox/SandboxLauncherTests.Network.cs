using System.Net;
using System.Net.Sockets;
using Nono.Core.Capabilities;
using Nono.Core.Sandbox;
using Nono.Testing;

namespace Nono.Core.Tests.Sandbox;

public sealed partial class SandboxLauncherTests
{
    private const string NetProbe = """
        import socket, sys
        tcp_port, udp_port = int(sys.argv[1]), int(sys.argv[2])
        try:
            s = socket.create_connection(("127.0.0.1", tcp_port), timeout=10); s.sendall(b"x"); s.close(); print("tcp-connected")
        except OSError as e:
            print("tcp-failed", e.errno)
        try:
            u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.sendto(b"x", ("127.0.0.1", udp_port)); print("udp-sent")
        except OSError as e:
            print("udp-failed", e.errno)
        try:
            socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); print("unix-created")
        except OSError as e:
            print("unix-failed", e.errno)
        try:
            a, b = socket.socketpair(); a.send(b"p"); print("socketpair-ok", b.recv(1) == b"p")
        except OSError as e:
            print("socketpair-failed", e.errno)
        """;

    [Theory]
    [InlineData(NetworkMode.Block)]
    [InlineData(NetworkMode.Allow)]
    public async Task Start_NetworkMode_TcpUdpAndUnixAsExpected(NetworkMode mode)
    {
        using TcpListener tcp = new(IPAddress.Loopback, 0);
        tcp.Start();
        using UdpClient udp = new(new IPEndPoint(IPAddress.Loopback, 0));
        int tcpPort = ((IPEndPoint)tcp.LocalEndpoint).Port;
        int udpPort = ((IPEndPoint)udp.Client.LocalEndPoint!).Port;
        CapabilitySet caps = SandboxRun.With() with { Network = mode };

        ProcessResult result = await SandboxRun.RunAsync(SandboxRun.Plan(caps), SandboxRun.Python, ["-c", NetProbe, tcpPort.ToString(), udpPort.ToString()]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("unix-failed 1", result.StandardOutput); // AF_UNIX needs AllowUnixSockets in every mode
        Assert.Contains("socketpair-ok True", result.StandardOutput);
        if (mode == NetworkMode.Block)
        {
            Assert.Contains("tcp-failed 1", result.StandardOutput);
            Assert.Contains("udp-failed 1", result.StandardOutput);
            Assert.False(tcp.Pending());
            Assert.Equal(0, udp.Available);
        }
        else
        {
            Assert.Contains("tcp-connected", result.StandardOutput);
            Assert.Contains("udp-sent", result.StandardOutput);
            Assert.True(tcp.Pending());
            Assert.True(udp.Available > 0);
        }
    }

    [Fact]
    public async Task Start_AllowUnixSockets_UnixSocketCreated()
    {
        CapabilitySet caps = SandboxRun.With() with { Network = NetworkMode.Block, AllowUnixSockets = true };

        ProcessResult result = await SandboxRun.RunAsync(SandboxRun.Plan(caps), SandboxRun.Python, ["-c", NetProbe, "1", "1"]);

        Assert.Contains("unix-created", result.StandardOutput);
        Assert.Contains("tcp-failed 1", result.StandardOutput);
    }

    [Fact]
    public async Task Start_IoUringSetup_DeniedInsideButWorksOutside()
    {
        const string probe = """
            import ctypes
            libc = ctypes.CDLL(None, use_errno=True)
            params = ctypes.create_string_buffer(120)
            fd = libc.syscall(425, 1, params)
            print("io_uring", fd >= 0, ctypes.get_errno() if fd < 0 else 0)
            """;

        ProcessResult inside = await SandboxRun.RunAsync(SandboxRun.Plan(SandboxRun.With()), SandboxRun.Python, ["-c", probe]);
        ProcessResult outside = await ProcessRunner.RunAsync(SandboxRun.Python, ["-c", probe], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Contains("io_uring False 1", inside.StandardOutput);
        string disabled = File.Exists("/proc/sys/kernel/io_uring_disabled") ? File.ReadAllText("/proc/sys/kernel/io_uring_disabled").Trim() : "0";
        if (disabled == "0")
        {
            Assert.Contains("io_uring True", outside.StandardOutput);
        }
    }

    [Fact]
    public async Task Start_ProxyMode_ConnectsOnlyToProxyPort()
    {
        Assert.SkipUnless(SandboxSupport.Probe().LandlockAbi >= 4, "Landlock TCP port rules need ABI 4");
        using TcpListener proxy = new(IPAddress.Loopback, 0);
        proxy.Start();
        using TcpListener other = new(IPAddress.Loopback, 0);
        other.Start();
        int proxyPort = ((IPEndPoint)proxy.LocalEndpoint).Port;
        int otherPort = ((IPEndPoint)other.LocalEndpoint).Port;
        CapabilitySet caps = SandboxRun.With() with { Network = NetworkMode.Proxy, ProxyPort = proxyPort };
        const string probe = """
            import socket, sys
            for port in sys.argv[1:3]:
                try:
                    socket.create_connection(("127.0.0.1", int(port)), timeout=10).close(); print("connected", port)
                except OSError as e:
                    print("refused", port, e.errno)
            try:
                socket.socket(socket.AF_INET, socket.SOCK_DGRAM); print("udp-created")
            except OSError as e:
                print("udp-failed", e.errno)
            """;

        // The Landlock-TCP fallback tier (no namespace probed here): it needs its explicit opt-in.
        SandboxPlan plan = SandboxRun.Plan(caps, null, WeakerMode.UnscopedSignals, WeakerMode.UnrestrictedTruncate, WeakerMode.ProxyWithoutNetns);
        Assert.Equal(NetworkTier.LandlockTcpPort, plan.NetworkTier);
        ProcessResult result = await SandboxRun.RunAsync(plan, SandboxRun.Python, ["-c", probe, proxyPort.ToString(), otherPort.ToString()]);

        Assert.Contains($"connected {proxyPort}", result.StandardOutput);
        Assert.Contains($"refused {otherPort} 13", result.StandardOutput); // EACCES from Landlock
        Assert.Contains("udp-failed 1", result.StandardOutput);
        Assert.True(proxy.Pending());
        Assert.False(other.Pending());
    }
}
