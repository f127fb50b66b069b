using System.Net.Sockets;
using Nono.Action.Tests.Sandbox;
using Nono.Testing;

namespace Nono.Action.Tests.Network;

public sealed partial class RunNetworkTests
{
    /// <summary>
    /// TCP Fast Open to the host's listener on another port (sendto and sendmsg with MSG_FASTOPEN and an address, which
    /// connect without Landlock's connect hook), TCP binds to a fixed and to an ephemeral port, then the proxy path.
    /// $1 is the host's HTTP port, $2 the other listener's.
    /// </summary>
    private const string FastOpenScript = """
        /usr/bin/python3 -c 'import socket, sys
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
        def bind(port):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            try:
                s.bind(("127.0.0.1", port))
            finally:
                s.close()
        report("tfo-sendto", lambda: tfo(lambda s: s.sendto(b"nono-tfo", socket.MSG_FASTOPEN, ("127.0.0.1", other))))
        report("tfo-sendmsg", lambda: tfo(lambda s: s.sendmsg([b"nono-tfo"], [], socket.MSG_FASTOPEN, ("127.0.0.1", other))))
        report("bind-fixed", lambda: bind(8080))
        report("bind-ephemeral", lambda: bind(0))' "$2"
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
        string[] options = ["--allow-domain", "api.test", "--resolve", "api.test=127.0.0.1", .. OptIn(tier)];

        ProcessResult result = await sb.SandboxedAsync("run", options, ["/bin/sh", "-c", FastOpenScript, "sh", servers.HttpPort.ToString(), servers.OtherTcpPort.ToString()]);
        Dictionary<string, string> probe = NetworkProbe.Parse(result.StandardOutput);

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal("1", probe["tfo-sendto"]); // EPERM from seccomp
        Assert.Equal("1", probe["tfo-sendmsg"]);
        Assert.Equal("13", probe["bind-fixed"]); // EACCES from Landlock
        Assert.Equal(tier == "netns" ? "ok" : "13", probe["bind-ephemeral"]);
        Assert.Contains("allowed=200", result.StandardOutput);
        Assert.Equal(1, servers.HttpRequests); // exactly the proxied request
        // A bounded wait for a connection that must never come (the run has ended, so anything sent has arrived).
        Assert.False(servers.OtherTcp.Server.Poll(TimeSpan.FromSeconds(1), SelectMode.SelectRead));
    }
}
