using System.Diagnostics;
using System.Text.RegularExpressions;
using Nono.Action.Tests.Sandbox;
using Nono.Testing;

namespace Nono.Action.Tests.Network;

public sealed partial class RunNetworkTests
{
    /// <summary>
    /// listen(2) in the landlock-tcp tier. argv[1]: the outside helper's UNIX socket (it hands in a TCP socket it bound),
    /// argv[2]: a directory the sandbox may write. Counts that depend on scheduling go to stderr; stdout holds only outcomes.
    /// </summary>
    private const string ListenProbe = """
        import ctypes, os, socket, struct, sys, threading
        helper, workdir = sys.argv[1], sys.argv[2]
        libc = ctypes.CDLL(None, use_errno=True)
        def report(name, f):
            try:
                r = f(); print("%s=%s" % (name, "ok" if r is None else r), flush=True)
            except OSError as e:
                print("%s=%d" % (name, e.errno), flush=True)
        def unbound(family):
            def go():
                with socket.socket(family, socket.SOCK_STREAM) as s:
                    try:
                        s.listen(5)
                    finally:
                        print("%s-port-after=%d" % (family.name, s.getsockname()[1]), flush=True)
            return go
        report("listen-unbound4", unbound(socket.AF_INET))
        report("listen-unbound6", unbound(socket.AF_INET6))
        own = os.path.join(workdir, "own.sock")
        u = socket.socket(socket.AF_UNIX); u.bind(own)
        def unix_listen():
            u.listen(3)
            with socket.socket(socket.AF_UNIX) as c:
                c.connect(own); u.accept()[0].close()
        report("unix-listen", unix_listen)
        # The fd-swap race: one thread keeps swapping a bound UNIX socket and an unbound TCP socket over one fd number
        # while this one calls listen on that number. Whatever interleaving happens, the TCP socket must end unbound.
        tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        bound = socket.socket(socket.AF_UNIX); bound.bind(os.path.join(workdir, "race.sock"))
        slot = os.dup(tcp.fileno())
        stop = threading.Event()
        def swap():
            while not stop.is_set():
                os.dup2(bound.fileno(), slot); os.dup2(tcp.fileno(), slot)
        sys.setswitchinterval(0.0001) # the swapper holds the GIL between calls: hand it back often, or each listen waits 5 ms
        swapper = threading.Thread(target=swap); swapper.start()
        listened, refused, other = 0, 0, 0
        for _ in range(1000):
            if libc.listen(slot, 1) == 0: listened += 1
            elif ctypes.get_errno() == 13: refused += 1
            else: other += 1
        stop.set(); swapper.join()
        print("race: %d listened, %d refused" % (listened, refused), file=sys.stderr)
        print("race-other-errors=%d" % other, flush=True)
        print("race-tcp-port=%d" % tcp.getsockname()[1], flush=True)
        print("race-tcp-accepting=%d" % tcp.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN), flush=True)
        def own_tcp_listeners():
            inodes = set()
            for fd in os.listdir("/proc/self/fd"):
                try:
                    link = os.readlink("/proc/self/fd/" + fd)
                except OSError:
                    continue
                if link.startswith("socket:["): inodes.add(link[8:-1])
            count = 0
            for table in ("/proc/net/tcp", "/proc/net/tcp6"):
                with open(table) as t:
                    next(t)
                    count += sum(1 for line in t if line.split()[3] == "0A" and line.split()[9] in inodes)
            return count
        report("own-tcp-listeners", own_tcp_listeners)
        def connected():
            import urllib.parse
            proxy = urllib.parse.urlsplit(os.environ["HTTP_PROXY"])
            with socket.create_connection((proxy.hostname, proxy.port)) as s:
                s.listen(1)
        report("listen-connected", connected)
        def disconnected_pinned():
            # Review of s9-listen: after a disconnect getsockname still shows the released port, and a port range pinned to
            # that one port makes listen's automatic bind take it again, so "port != 0" passed for an unbound socket.
            import urllib.parse
            proxy = urllib.parse.urlsplit(os.environ["HTTP_PROXY"])
            s = socket.create_connection((proxy.hostname, proxy.port))
            port = s.getsockname()[1]
            s.setsockopt(socket.IPPROTO_IP, 51, struct.pack("I", (port << 16) | port))  # IP_LOCAL_PORT_RANGE: [port, port]
            libc.connect(s.fileno(), ctypes.create_string_buffer(16), 16)  # AF_UNSPEC: disconnect
            try:
                s.listen(1)
                return "listening-%d" % s.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN)
            finally:
                print("disconnected-accepting=%d" % s.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN), flush=True)
                s.close()
        report("listen-disconnected-pinned", disconnected_pinned)
        def handed_in():
            with socket.socket(socket.AF_UNIX) as c:
                c.connect(helper)
                _, fds, _, _ = socket.recv_fds(c, 16, 1)
                with socket.socket(fileno=fds[0]) as s:
                    s.listen(7)
                    backlog = struct.unpack_from("<I", s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104), 28)[0]
                    c.sendall(b"L")
                    a = s.accept()[0]
                    data = a.recv(16).decode(); a.close()
                    return "%s,backlog=%d" % (data, backlog)
        report("handed-in", handed_in)
        """;

    /// <summary>
    /// The helper outside the sandbox: binds a TCP socket on 127.0.0.1 (port 0, read back) and listens, hands it in over a UNIX socket,
    /// and once told the sandbox listens, connects to it and sends "hello". It never waits on time: a sandbox that does not
    /// listen closes the connection and the helper ends.
    /// </summary>
    private const string ListenHelper = """
        import os, socket, sys
        path = sys.argv[1]
        t = socket.socket(); t.bind(("127.0.0.1", 0)); t.listen(1); port = t.getsockname()[1]
        u = socket.socket(socket.AF_UNIX); u.bind(path); os.chmod(path, 0o777); u.listen(1)
        print(port, flush=True)
        c = u.accept()[0]
        socket.send_fds(c, [b"x"], [t.fileno()]); t.close()
        if c.recv(1) == b"L":
            with socket.create_connection(("127.0.0.1", port)) as k:
                k.sendall(b"hello")
        c.close()
        """;

    private const string ListenScript = """
        /usr/bin/python3 -c "$PROBE" "$2" "$3"
        curl -sS -o /dev/null -w 'allowed=%{http_code}\n' "http://api.test:$1/"
        """;

    private static readonly string[] s_listenOutcomes =
    [
        "listen-unbound4=13", "AF_INET-port-after=0", "listen-unbound6=13", "AF_INET6-port-after=0", "unix-listen=ok",
        "race-other-errors=0", "race-tcp-port=0", "race-tcp-accepting=0", "own-tcp-listeners=0", "listen-connected=22",
        "listen-disconnected-pinned=13", "disconnected-accepting=0", "handed-in=hello,backlog=7", "allowed=200",
    ];

    /// <summary>
    /// The landlock-tcp tier's listen guard (root and uid 65534; with the audit record and with --no-audit, where the
    /// supervisor exists only to guard): listen on an unbound TCP socket (IPv4, IPv6) fails with EACCES and leaves it
    /// unbound, and the process owns no listening TCP socket (read from /proc/net/tcp*); a thread swapping a bound UNIX
    /// socket and an unbound TCP socket over the listened fd number never gets the TCP socket listening; listen on a socket
    /// connected to the proxy gets the kernel's EINVAL; a disconnected socket whose port range is pinned to its old port is
    /// refused (it is not bound any more, though getsockname still shows the port); the legitimate
    /// paths still work: a UNIX listener, a TCP socket listening outside and handed in (listened on with the caller's backlog,
    /// accepting the outside helper's connection), and the proxied request. The refusals are in the audit record.
    /// </summary>
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_LandlockTcp_ListenOnUnboundSocket_Refused_BoundUnixAndProxyStillWork(TestUser user)
    {
        using NonoSandbox sb = new(user);
        await using LoopbackServers servers = new(sb.Outside.Path);
        sb.Environment["NONO_NETWORK_TIER"] = "landlock-tcp";
        sb.Environment["PROBE"] = ListenProbe;
        (ProcessResult run, string audited) = await RunWithListenHelperAsync(sb, servers, "audited", ["-v"]);
        string session = Regex.Match(run.StandardError, @"session (\S+): exit").Groups[1].Value;
        ProcessResult show = await sb.RunAsync("audit", "show", session);
        (ProcessResult unaudited, string unauditedHelper) = await RunWithListenHelperAsync(sb, servers, "unaudited", ["--no-audit"]);

        Assert.True(run.ExitCode == 0, run.StandardError);
        Assert.Contains("network tier: landlock-tcp", run.StandardError);
        Assert.All(s_listenOutcomes, outcome => Assert.Contains(outcome, run.StandardOutput));
        Assert.True(unaudited.ExitCode == 0, unaudited.StandardError);
        Assert.Equal(run.StandardOutput, unaudited.StandardOutput);
        Assert.Equal("", audited + unauditedHelper); // both helpers ended cleanly
        Assert.Equal(2, servers.HttpRequests);

        Assert.True(show.ExitCode == 0, show.StandardError);
        Assert.Contains("network denied: listen 0.0.0.0:0", show.StandardOutput);
        Assert.Contains("network denied: listen :::0", show.StandardOutput);
        Assert.Contains("listen-refused:not-already-listening", show.StandardOutput);
        // The guard's refusals count as denials in the observer's report (they were not counted before).
        Assert.Matches(@"seccomp-network-refusals: active, [1-9][0-9]* denial\(s\) in [1-9][0-9]* examined", show.StandardOutput);
        Assert.DoesNotContain("listen guard unavailable", run.StandardError + unaudited.StandardError); // it was installed
    }

    /// <summary>
    /// A helper still waiting for the sandbox (which failed before it connected) gets a connection that closes at once, so
    /// it ends instead of waiting forever; one that has served refuses or ignores it.
    /// </summary>
    private static void ReleaseHelper(string helperPath)
    {
        try
        {
            using System.Net.Sockets.Socket probe = new(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
            probe.Connect(new System.Net.Sockets.UnixDomainSocketEndPoint(helperPath));
        }
        catch (System.Net.Sockets.SocketException)
        {
        }
    }

    /// <summary>One run with its own outside helper; returns the run and the helper's stderr (empty when it ended cleanly).</summary>
    private static async Task<(ProcessResult, string)> RunWithListenHelperAsync(NonoSandbox sb, LoopbackServers servers, string name, string[] extra)
    {
        string work = Path.Combine(sb.Outside.Path, $"work-{name}");
        Directory.CreateDirectory(work);
        File.SetUnixFileMode(work, (UnixFileMode)0b111_111_111); // the sandboxed user binds its UNIX sockets here
        string helperPath = Path.Combine(sb.Outside.Path, $"helper-{name}.sock");
        ProcessStartInfo psi = new(NonoSandbox.Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { "-c", ListenHelper, helperPath })
        {
            psi.ArgumentList.Add(a);
        }

        using Process helper = Process.Start(psi)!;
        try
        {
            Assert.NotNull(await helper.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken)); // bound and listening
            ProcessResult run = await sb.SandboxedAsync("run", [.. ConnectOptions(sb, servers.ApiEntry()), .. extra], ["/bin/sh", "-c", ListenScript, "sh", servers.HttpPort.ToString(), helperPath, work]);
            ReleaseHelper(helperPath);
            await helper.WaitForExitAsync(TestContext.Current.CancellationToken);
            string errors = await helper.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            return (run, helper.ExitCode == 0 ? errors : $"exit {helper.ExitCode}: {errors}");
        }
        finally
        {
            if (!helper.HasExited)
            {
                helper.Kill();
            }
        }
    }
}
