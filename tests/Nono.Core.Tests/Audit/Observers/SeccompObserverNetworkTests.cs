using System.Net;
using System.Net.Sockets;
using Nono.Core.Audit.Observers;
using Nono.Core.Capabilities;
using Nono.Core.Proxy;
using Nono.Core.Sandbox;
using Nono.Core.Tests.Proxy;
using Nono.Core.Tests.Sandbox;
using Nono.Testing;

namespace Nono.Core.Tests.Audit.Observers;

/// <summary>
/// Network calls seccomp refuses, recorded by the observer with the real kernel: the call still fails with EPERM (the
/// observer always answers with an error), it is in the record, nothing reaches the loopback listener, the legitimate path
/// works, and when the observer is gone the kernel answers ENOSYS: refused either way. Root only (the test host); the
/// same paths run as 65534 through the CLI in RunNetworkTests.Refusals.
/// </summary>
public sealed class SeccompObserverNetworkTests
{
    /// <summary>A UDP DNS query to a resolver on loopback; a TCP Fast Open send to it; a TCP connect; a file write.</summary>
    private const string Probe = """
        import socket, sys
        port, proxy, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
        query = b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x04test\x00\x00\x01\x00\x01"
        for family, addr in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
            try:
                u = socket.socket(family, socket.SOCK_DGRAM); u.sendto(query, (addr, port)); print("udp-sent")
            except OSError as e:
                print("udp-failed", e.errno)
        try:
            t = socket.socket(socket.AF_INET, socket.SOCK_STREAM); print("tcp-socket")
            t.sendto(b"x", 0x20000000, ("127.0.0.1", port)); print("fastopen-sent")
        except OSError as e:
            print("tcp-failed", e.errno)
        if proxy:
            try:
                socket.create_connection(("127.0.0.1", proxy), timeout=10).close(); print("proxy-connected")
            except OSError as e:
                print("proxy-failed", e.errno)
        open(out, "w").write("ok"); print("file-written")
        """;

    [Theory]
    [InlineData(NetworkMode.Block)]
    [InlineData(NetworkMode.Proxy)]
    public async Task Refused_UdpQueryAndFastOpen_FailWithEpermAndAreRecorded_LegitimatePathWorks(NetworkMode mode)
    {
        Assert.SkipUnless(mode == NetworkMode.Block || SandboxSupport.Probe().LandlockAbi >= 4, "Landlock TCP port rules need ABI 4");
        using Loopback loopback = new();
        CapturingSink sink = new();
        using SeccompObserver observer = SeccompObserver.ForNetworkRefusals(sink);

        ProcessResult result = await loopback.RunAsync(mode, observer);
        observer.Stop();

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal(2, Count(result.StandardOutput, "udp-failed 1")); // EPERM, as without the observer
        Assert.Equal("ok", File.ReadAllText(loopback.Output));
        Assert.Equal(0, loopback.Datagrams);
        Assert.All(sink.Events, e => Assert.Equal((ProxyMode.Socket, ProxyDecision.Denied), (e.Mode, e.Decision)));
        Assert.Contains(sink.Events, e => e.Reason == "socket-refused:AF_INET,SOCK_DGRAM,0" && e.Host == "AF_INET/SOCK_DGRAM");
        Assert.Contains(sink.Events, e => e.Reason == "socket-refused:AF_INET6,SOCK_DGRAM,0");
        if (mode == NetworkMode.Block)
        {
            Assert.Contains("tcp-failed 1", result.StandardOutput);
            Assert.Contains(sink.Events, e => e.Reason == "socket-refused:AF_INET,SOCK_STREAM,0");
        }
        else
        {
            Assert.Contains("tcp-socket", result.StandardOutput);
            Assert.Contains("tcp-failed 1", result.StandardOutput); // the Fast Open send
            Assert.Contains("proxy-connected", result.StandardOutput);
            Assert.True(loopback.ProxyPending);
            ProxyEvent fastOpen = Assert.Single(sink.Events, e => e.Reason == "fastopen-refused");
            Assert.Equal(("sendto", "127.0.0.1", loopback.UdpPort), (fastOpen.Method, fastOpen.Host, fastOpen.Port));
        }
    }

    [Theory]
    [InlineData(NetworkMode.Block)]
    [InlineData(NetworkMode.Proxy)]
    public async Task NoObserver_SameAttemptsStillRefusedByTheEnforcingFilter(NetworkMode mode)
    {
        Assert.SkipUnless(mode == NetworkMode.Block || SandboxSupport.Probe().LandlockAbi >= 4, "Landlock TCP port rules need ABI 4");
        using Loopback loopback = new();

        ProcessResult result = await loopback.RunAsync(mode, observer: null);

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal(2, Count(result.StandardOutput, "udp-failed 1"));
        Assert.Contains("tcp-failed 1", result.StandardOutput);
        Assert.Equal(0, loopback.Datagrams);
    }

    [Fact]
    public async Task ObserverGone_KernelAnswersEnosys_StillRefused()
    {
        // The sink throws on the first record: the observer has already answered that call (EPERM), then its loop stops and
        // the listener closes, so the kernel fails every later deferred call with ENOSYS. Never a datagram.
        using Loopback loopback = new();
        using SeccompObserver observer = SeccompObserver.ForNetworkRefusals(new ThrowingSink());

        ProcessResult result = await loopback.RunAsync(NetworkMode.Block, observer).WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);
        observer.Stop();

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Contains("udp-failed 1\n", result.StandardOutput);
        Assert.Contains("udp-failed 38\n", result.StandardOutput);
        Assert.Contains("tcp-failed 38", result.StandardOutput);
        Assert.Equal("ok", File.ReadAllText(loopback.Output));
        Assert.Equal(0, loopback.Datagrams);
    }

    [Fact]
    public async Task Deferring_SandboxCannotCreateItsOwnListener()
    {
        // A listener of the sandbox's own would, once ours is closed, win a USER_NOTIF tie and could continue deferred calls.
        const string listener = """
            import ctypes, struct, sys
            libc = ctypes.CDLL(None, use_errno=True)
            insn = ctypes.create_string_buffer(struct.pack("HBBI", 0x06, 0, 0, 0x7fff0000))  # BPF_RET|BPF_K ALLOW
            prog = ctypes.create_string_buffer(struct.pack("HxxxxxxQ", 1, ctypes.addressof(insn)))
            fd = libc.syscall(int(sys.argv[1]), 1, 8, prog)  # SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER
            print("listener", "created" if fd >= 0 else "failed %d" % ctypes.get_errno())
            """;
        string nr = Nono.Core.Sandbox.Interop.Interop.SyscallNumbers.Current.seccomp.ToString();
        SandboxPlan plan = SandboxRun.Plan(SandboxRun.With() with { Network = NetworkMode.Block });
        CapturingSink sink = new();
        using SeccompObserver observer = SeccompObserver.ForNetworkRefusals(sink);

        ProcessResult deferring = await SandboxRun.RunAsync(plan, SandboxRun.Python, ["-c", listener, nr], adjust: spec => spec with { Observer = observer });
        observer.Stop();
        ProcessResult plain = await SandboxRun.RunAsync(plan, SandboxRun.Python, ["-c", listener, nr]);

        Assert.Contains("listener failed 1", deferring.StandardOutput); // EPERM from the enforcing filter
        Assert.Contains("listener created", plain.StandardOutput); // the probe works where nothing is deferred
    }

    private static int Count(string text, string line) => text.Split('\n').Count(l => l == line);

    /// <summary>A UDP "resolver" and a TCP "proxy" on loopback (port 0 each), and a granted output directory.</summary>
    private sealed class Loopback : IDisposable
    {
        private readonly Socket _udp = new(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp) { DualMode = true };
        private readonly TcpListener _proxy = new(IPAddress.Loopback, 0);
        private readonly TempDirectory _directory = new();

        public Loopback()
        {
            _udp.Bind(new IPEndPoint(IPAddress.IPv6Any, 0));
            _proxy.Start();
        }

        public int UdpPort => ((IPEndPoint)_udp.LocalEndPoint!).Port;

        public string Output => _directory.Combine("out.txt");

        public int Datagrams => _udp.Available;

        public bool ProxyPending => _proxy.Pending();

        public Task<ProcessResult> RunAsync(NetworkMode mode, SeccompObserver? observer)
        {
            int proxyPort = ((IPEndPoint)_proxy.LocalEndpoint).Port;
            CapabilitySet caps = SandboxRun.With(SandboxRun.Write(_directory.Path)) with
            {
                Network = mode,
                ProxyPort = mode == NetworkMode.Proxy ? proxyPort : null,
            };
            string[] arguments = ["-c", Probe, UdpPort.ToString(), mode == NetworkMode.Proxy ? proxyPort.ToString() : "0", Output];
            // The Landlock-TCP fallback tier in proxy mode (no namespace probed here): it needs its explicit opt-in.
            SandboxPlan plan = SandboxRun.Plan(caps, null, WeakerMode.UnscopedSignals, WeakerMode.UnrestrictedTruncate, WeakerMode.ProxyWithoutNetns);
            Assert.NotEqual(NetworkTier.IsolatedNamespace, plan.NetworkTier);
            return SandboxRun.RunAsync(plan, SandboxRun.Python, arguments, _directory.Path, spec => spec with { Observer = observer });
        }

        public void Dispose()
        {
            _udp.Dispose();
            _proxy.Stop();
            _directory.Dispose();
        }
    }

    private sealed class ThrowingSink : IProxyEventSink
    {
        public void Record(ProxyEvent proxyEvent) => throw new InvalidOperationException("sink broke");
    }
}
