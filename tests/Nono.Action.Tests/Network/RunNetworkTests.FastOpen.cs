using System.Net.Sockets;
using Nono.Action.Tests.Sandbox;
using Nono.Testing;

namespace Nono.Action.Tests.Network;

public sealed partial class RunNetworkTests
{
    /// <summary>
    /// TCP Fast Open to the host's listener on another port (sendto, sendmsg and sendmmsg with MSG_FASTOPEN and an
    /// address, which connect without Landlock's connect hook), TCP binds to a fixed and to an ephemeral port. argv[1]
    /// is the other listener's port. Python has no sendmmsg, so that one goes through libc.
    /// </summary>
    private const string FastOpenProbe = """
        import ctypes, socket, struct, sys
        other = int(sys.argv[1])
        def report(name, fn):
            try:
                fn(); print(name, "ok", flush=True)
            except OSError as e:
                print(name, "fail", e.errno, flush=True)
        def tfo(send):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            try:
                send(s)
            finally:
                s.close()
        class iovec(ctypes.Structure):
            _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]
        class msghdr(ctypes.Structure):
            _fields_ = [("name", ctypes.c_void_p), ("namelen", ctypes.c_uint32), ("iov", ctypes.POINTER(iovec)), ("iovlen", ctypes.c_size_t),
                        ("control", ctypes.c_void_p), ("controllen", ctypes.c_size_t), ("flags", ctypes.c_int)]
        class mmsghdr(ctypes.Structure):
            _fields_ = [("hdr", msghdr), ("len", ctypes.c_uint)]
        def sendmmsg(s):
            libc = ctypes.CDLL(None, use_errno=True)
            addr = ctypes.create_string_buffer(struct.pack("=H", socket.AF_INET) + struct.pack(">H", other) + socket.inet_aton("127.0.0.1"), 16)
            data = ctypes.create_string_buffer(b"nono-tfo", 8)
            iov = iovec(ctypes.cast(data, ctypes.c_void_p), 8)
            m = mmsghdr(msghdr(ctypes.cast(addr, ctypes.c_void_p), 16, ctypes.pointer(iov), 1, None, 0, 0), 0)
            if libc.sendmmsg(s.fileno(), ctypes.byref(m), 1, socket.MSG_FASTOPEN) < 0:
                raise OSError(ctypes.get_errno(), "sendmmsg")
        def bind(port):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            try:
                s.bind(("127.0.0.1", port))
            finally:
                s.close()
        report("tfo-sendto", lambda: tfo(lambda s: s.sendto(b"nono-tfo", socket.MSG_FASTOPEN, ("127.0.0.1", other))))
        report("tfo-sendmsg", lambda: tfo(lambda s: s.sendmsg([b"nono-tfo"], [], socket.MSG_FASTOPEN, ("127.0.0.1", other))))
        report("tfo-sendmmsg", lambda: tfo(sendmmsg))
        report("bind-fixed", lambda: bind(8080))
        report("bind-ephemeral", lambda: bind(0))
        """;

    /// <summary>The probe, then the proxy path. $1 is the host's HTTP port, $2 the other listener's.</summary>
    private const string FastOpenScript = """
        /usr/bin/python3 -c "$PROBE" "$2"
        curl -sS -o /dev/null -w 'allowed=%{http_code}\n' "http://api.test:$1/"
        """;

    /// <summary>
    /// TCP Fast Open cannot slip past Landlock's port rule: seccomp denies MSG_FASTOPEN (EPERM) in both tiers, and the
    /// host's listener on another port receives nothing, while the proxied request in the same run works. Binds: the
    /// namespace tier allows only an ephemeral port (for resolvers such as dig), the fallback tier none.
    /// </summary>
    [Theory]
    [MemberData(nameof(UsersAndTiers))]
    public async Task Run_TcpFastOpenToAnotherPort_DeniedAndNothingArrives_ProxyStillWorks(TestUser user, string tier)
    {
        using NonoSandbox sb = new(user);
        await using LoopbackServers servers = new(sb.Outside.Path);
        sb.Environment["NONO_NETWORK_TIER"] = tier;
        sb.Environment["PROBE"] = FastOpenProbe;
        string[] options = ["--allow-domain", servers.ApiEntry(), "--resolve", "api.test=127.0.0.1", .. OptIn(tier)];

        ProcessResult result = await sb.SandboxedAsync("run", options, ["/bin/sh", "-c", FastOpenScript, "sh", servers.HttpPort.ToString(), servers.OtherTcpPort.ToString()]);
        Dictionary<string, string> probe = NetworkProbe.Parse(result.StandardOutput);

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal("1", probe["tfo-sendto"]); // EPERM from seccomp
        Assert.Equal("1", probe["tfo-sendmsg"]);
        Assert.Equal("1", probe["tfo-sendmmsg"]);
        Assert.Equal("13", probe["bind-fixed"]); // EACCES from Landlock
        Assert.Equal(tier == "netns" ? "ok" : "13", probe["bind-ephemeral"]);
        Assert.Contains("allowed=200", result.StandardOutput);
        Assert.Equal(1, servers.HttpRequests); // exactly the proxied request
        // A bounded wait for a connection that must never come (the run has ended, so anything sent has arrived).
        Assert.False(servers.OtherTcp.Server.Poll(TimeSpan.FromSeconds(1), SelectMode.SelectRead));
    }
}
