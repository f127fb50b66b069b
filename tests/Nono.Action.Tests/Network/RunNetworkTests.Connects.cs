using System.Text.RegularExpressions;
using Nono.Action.Tests.Sandbox;
using Nono.Testing;

namespace Nono.Action.Tests.Network;

public sealed partial class RunNetworkTests
{
    /// <summary>
    /// Connects in the landlock-tcp tier. argv[1]: the host's other TCP listener, argv[2]: its UNIX socket. First connects
    /// the kernel rejects for their arguments (the supervisor reads each address and must stay up and answer them as the
    /// kernel would), then connects Landlock refuses (another loopback port over IPv4 and IPv6, DNS over TCP to port 53,
    /// one from a second thread), then the UNIX socket.
    /// </summary>
    private const string ConnectProbe = """
        import ctypes, os, socket, struct, sys, threading
        other, unix_path = int(sys.argv[1]), sys.argv[2]
        libc = ctypes.CDLL(None, use_errno=True)
        def report(name, f):
            try:
                f(); print("%s=ok" % name, flush=True)
            except OSError as e:
                print("%s=%d" % (name, e.errno), flush=True)
        def raw(address, length, family=socket.AF_INET):
            def go():
                s = socket.socket(family, socket.SOCK_STREAM)
                try:
                    if libc.connect(s.fileno(), address, length) != 0:
                        raise OSError(ctypes.get_errno(), "connect")
                finally:
                    s.close()
            return go
        def tcp(host, port, family=socket.AF_INET):
            def go():
                with socket.socket(family, socket.SOCK_STREAM) as s:
                    s.connect((host, port))
            return go
        def in_thread(name, f):
            t = threading.Thread(target=report, args=(name, f)); t.start(); t.join()
        sin = struct.pack("<HH4s8x", socket.AF_INET, socket.htons(other), socket.inet_aton("127.0.0.1"))
        report("bogus-short", raw(sin, 8))
        report("bogus-long", raw(sin, 4096))
        report("bogus-negative", raw(sin, -1))
        report("bogus-pointer", raw(ctypes.c_void_p(16), 16))
        report("bogus-family", raw(struct.pack("<HH4s8x", 999, socket.htons(other), socket.inet_aton("127.0.0.1")), 16))
        report("bogus-mismatch", raw(sin, 16, socket.AF_INET6))
        in_thread("thread-mismatch", raw(sin, 16, socket.AF_INET6))
        libc.mmap.restype = ctypes.c_void_p
        libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
        page = libc.mmap(None, 8192, 3, 0x22, -1, 0)
        libc.munmap(ctypes.c_void_p(page + 4096), 4096)
        ctypes.memmove(page + 4096 - 24, sin + bytes(8), 24)
        report("bogus-partly-mapped", raw(ctypes.c_void_p(page + 4096 - 24), 32))
        def o_path():
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
                fd = os.open("/proc/self/fd/%d" % s.fileno(), os.O_PATH)
                try:
                    if libc.connect(fd, sin, 16) != 0:
                        raise OSError(ctypes.get_errno(), "connect")
                finally:
                    os.close(fd)
        report("bogus-o-path", o_path)
        def listen_unbound():
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
                s.listen()
                if s.getsockname()[1] == 0:
                    raise OSError(0, "no port")
        report("listen-unbound", listen_unbound)
        report("other", tcp("127.0.0.1", other))
        report("dns53", tcp("127.0.0.1", 53))
        report("other6", tcp("::1", other, socket.AF_INET6))
        in_thread("thread-other", tcp("127.0.0.2", other))
        def unix():
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                s.connect(unix_path)
        report("unix", unix)
        """;

    /// <summary>The probe, then the proxied request. $1: HTTP port, $2: other TCP port, $3: UNIX socket.</summary>
    private const string ConnectScript = """
        /usr/bin/python3 -c "$PROBE" "$2" "$3"
        curl -sS -o /dev/null -w 'allowed=%{http_code}\n' "http://api.test:$1/"
        """;

    /// <summary>
    /// What the kernel answers each probe, with and without the supervisor in the way (EINVAL, EFAULT, EAFNOSUPPORT, EBADF,
    /// EACCES). <c>bogus-partly-mapped</c>: a 32-byte length whose first 24 bytes (a refused destination, padded) are mapped, the rest
    /// not: the kernel's EFAULT, not EACCES. <c>bogus-o-path</c>: an O_PATH descriptor of a TCP socket: EBADF, not EACCES.
    /// <c>listen-unbound</c>: Landlock does not check the automatic bind of listen(2) on an unbound socket; the tier's listen
    /// guard (the supervisor, with or without the audit record) refuses it with EACCES (RunNetworkTests.Listen.cs).
    /// </summary>
    private static readonly string[] s_connectOutcomes =
    [
        "bogus-short=22", "bogus-long=22", "bogus-negative=22", "bogus-pointer=14", "bogus-family=97", "bogus-mismatch=22",
        "thread-mismatch=22", "bogus-partly-mapped=14", "bogus-o-path=9", "listen-unbound=13", "other=13", "dns53=13", "other6=13", "thread-other=13", "unix=ok", "allowed=200",
    ];

    /// <summary>
    /// The landlock-tcp tier: a TCP connect Landlock refuses (another loopback port, port 53, IPv6, from a second thread)
    /// still fails with EACCES and is now in the audit record with its address and port; connects with bogus addresses get
    /// the kernel's usual errors and leave no record (the supervisor stays up: later refusals are still recorded); the
    /// proxied request and an AF_UNIX connect to a granted socket still work. A second run without an audit record (no
    /// supervisor asked, Landlock alone) pins the outcomes: the program sees the same errnos either way.
    /// </summary>
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_LandlockTcp_RefusedConnects_FailAndAreRecorded_ProxyAndUnixStillWork(TestUser user)
    {
        using NonoSandbox sb = new(user);
        await using LoopbackServers servers = new(sb.Outside.Path);
        sb.Environment["NONO_NETWORK_TIER"] = "landlock-tcp";
        sb.Environment["PROBE"] = ConnectProbe;

        ProcessResult run = await sb.SandboxedAsync("run", [.. ConnectOptions(sb, servers.ApiEntry()), "-v"], ["/bin/sh", "-c", ConnectScript, "sh", .. ConnectArguments(servers)]);
        string session = Regex.Match(run.StandardError, @"session (\S+): exit").Groups[1].Value;
        ProcessResult show = await sb.RunAsync("audit", "show", session);
        ProcessResult unaudited = await sb.SandboxedAsync("run", [.. ConnectOptions(sb, servers.ApiEntry()), "--no-audit"], ["/bin/sh", "-c", ConnectScript, "sh", .. ConnectArguments(servers)]);

        Assert.True(run.ExitCode == 0, run.StandardError);
        Assert.Contains("network tier: landlock-tcp", run.StandardError);
        Assert.All(s_connectOutcomes, outcome => Assert.Contains(outcome, run.StandardOutput));
        Assert.True(unaudited.ExitCode == 0, unaudited.StandardError);
        Assert.Equal(unaudited.StandardOutput, run.StandardOutput);
        Assert.False(servers.OtherTcp.Pending());
        Assert.Equal(2, servers.HttpRequests); // one proxied request per run
        Assert.True(servers.UnixPending);

        Assert.True(show.ExitCode == 0, show.StandardError);
        string port = servers.OtherTcpPort.ToString();
        Assert.Contains($"network denied: connect 127.0.0.1:{port}", show.StandardOutput);
        Assert.Contains("network denied: connect 127.0.0.1:53", show.StandardOutput);
        Assert.Contains($"network denied: connect ::1:{port}", show.StandardOutput);
        Assert.Contains($"network denied: connect 127.0.0.2:{port}", show.StandardOutput);
        Assert.Contains("connect-refused:port-not-allowed", show.StandardOutput);
        // Exactly those four: the bogus and mismatched connects (refused by the kernel for their arguments) and the
        // proxy's connect are not recorded as network refusals.
        Assert.Equal(4, Regex.Count(show.StandardOutput, "network denied: connect "));
    }

    private static string[] ConnectOptions(NonoSandbox sb, string allowEntry = "api.test") =>
        ["--allow-domain", allowEntry, "--resolve", "api.test=127.0.0.1", "--allow", sb.Outside.Path, "--allow-unix-sockets", .. OptIn("landlock-tcp")];

    private static string[] ConnectArguments(LoopbackServers servers) =>
        [servers.HttpPort.ToString(), servers.OtherTcpPort.ToString(), servers.UnixPath];
}
