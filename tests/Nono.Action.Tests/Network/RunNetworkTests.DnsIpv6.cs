using System.Net.Sockets;
using Nono.Action.Tests.Sandbox;
using Nono.Testing;

namespace Nono.Action.Tests.Network;

public sealed partial class RunNetworkTests
{
    /// <summary>A query to an IPv6 resolver address (a documentation address; only the namespace's lo exists) and where the answer came from.</summary>
    private const string Ipv6DnsScript = """
        import socket
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s.settimeout(20)
        s.sendto(bytes.fromhex("abcd01000001000000000000") + b"\x02v6\x07example\x00\x00\x01\x00\x01", ("2001:db8::53", 53))
        data, source = s.recvfrom(512)
        print("answer-from", source[0], "rcode", data[3] & 15, flush=True)
        """;

    /// <summary>
    /// The refuser answers an IPv6 query from the address the query was sent to (IPV6_PKTINFO), as resolvers require:
    /// python sees the answer come from the queried address, and dig, which ignores answers from other addresses, gets
    /// REFUSED at once instead of timing out.
    /// </summary>
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_Ipv6ResolverAddress_RefusalComesFromTheQueriedAddress(TestUser user)
    {
        Assert.SkipUnless(Socket.OSSupportsIPv6, "no IPv6 on this host: the namespace has no IPv6 either");
        using NonoSandbox sb = new(user);
        sb.Environment["NONO_NETWORK_TIER"] = "netns";
        sb.Environment["PROBE"] = Ipv6DnsScript;
        string script = """
            /usr/bin/python3 -c "$PROBE"
            dig +tries=1 +time=20 @2001:db8::53 dig-v6.example | grep -o 'status: [A-Z]*'
            """;

        ProcessResult run = await sb.SandboxedAsync("run", ["--allow-domain", "api.test"], ["/bin/sh", "-c", script]);

        Assert.True(run.ExitCode == 0, run.StandardOutput + run.StandardError);
        Assert.Contains("answer-from 2001:db8::53 rcode 5", run.StandardOutput);
        Assert.Contains("status: REFUSED", run.StandardOutput);
    }
}
