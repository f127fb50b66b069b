using Nono.Action.Tests.Sandbox;
using Nono.Testing;

namespace Nono.Action.Tests.Network;

public sealed partial class RunNetworkTests
{
    /// <summary>
    /// --block-net with UNIX sockets granted: the pathname socket (granted) works, everything else fails, in the namespace
    /// tier and in the seccomp-only tier (forced by making the namespace unavailable).
    /// </summary>
    [Theory]
    [MemberData(nameof(UsersAndTiers))]
    public async Task Run_BlockNetWithUnixSockets_OnlyThePathSocketIsReachable(TestUser user, string tier)
    {
        using NonoSandbox sb = new(user);
        await using LoopbackServers servers = new(sb.Outside.Path);
        sb.Environment["NONO_NETWORK_TIER"] = tier;

        ProcessResult result = await sb.SandboxedAsync("run", ["--block-net", "--allow-unix-sockets", "-v"], [NonoSandbox.Python, "-c", NetworkProbe.Script, .. servers.ProbeArguments]);
        Dictionary<string, string> probe = NetworkProbe.Parse(result.StandardOutput);

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Contains(tier == "netns" ? "network tier: netns" : "network tier: seccomp-block", result.StandardError);
        Assert.Equal("ok", probe["unix-path"]);
        Assert.True(servers.UnixServer.Poll(0, System.Net.Sockets.SelectMode.SelectRead));
        Assert.NotEqual("ok", probe["unix-abstract"]); // netns: another namespace's abstract names; seccomp-block: Landlock scope
        Assert.False(servers.AbstractServer.Poll(0, System.Net.Sockets.SelectMode.SelectRead));
        foreach (string channel in new[] { "tcp-http", "tcp-other", "udp", "dns", "raw", "packet", "io_uring" })
        {
            Assert.Equal("1", probe[channel]); // EPERM: seccomp denies every internet socket in block mode
        }

        Assert.Equal(0, servers.HttpRequests);
        Assert.False(servers.OtherTcp.Pending());
        Assert.Equal(0, servers.Udp.Available);
        Assert.Equal(0, servers.DnsQueries);
    }
}
