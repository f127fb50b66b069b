using System.Text.RegularExpressions;
using Nono.Action.Tests.Sandbox;
using Nono.Testing;

namespace Nono.Action.Tests.Network;

public sealed partial class RunNetworkTests
{
    /// <summary>
    /// A DNS query over UDP straight to a resolver on the host's loopback ($1: the test's responder port), then the
    /// legitimate path: the proxied request in proxy mode ($2: HTTP port), a file write in any mode ($3).
    /// </summary>
    private const string RefusalScript = """
        /usr/bin/python3 -c 'import socket, sys
        q = b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x04refused\x04test\x00\x00\x01\x00\x01"
        try:
            u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.sendto(q, ("127.0.0.1", int(sys.argv[1]))); print("udp=sent")
        except OSError as e:
            print("udp=%d" % e.errno)' "$1"
        if [ "$2" != 0 ]; then curl -sS -o /dev/null -w 'allowed=%{http_code}\n' "http://api.test:$2/"; fi
        echo ok > "$3" && cat "$3"
        """;

    public static TheoryData<TestUser, bool> UsersAndFallbackModes => new()
    {
        { TestUser.Current, false },
        { TestUser.Nobody, false },
        { TestUser.Current, true },
        { TestUser.Nobody, true },
    };

    /// <summary>
    /// Without a namespace (the landlock-tcp fallback tier, and --block-net's seccomp-block tier) a UDP DNS query still
    /// fails at once with EPERM, reaches nothing on the host, and is now in the audit record (the seccomp observer answers
    /// the refused socket(2) with EPERM and records it); the proxy path and file work are unaffected.
    /// </summary>
    [Theory]
    [MemberData(nameof(UsersAndFallbackModes))]
    public async Task Run_UdpQueryWithoutNamespace_RefusedAtOnce_Recorded(TestUser user, bool block)
    {
        using NonoSandbox sb = new(user);
        await using LoopbackServers servers = new(sb.Outside.Path);
        sb.Environment["NONO_NETWORK_TIER"] = "landlock-tcp";

        ProcessResult run = await sb.SandboxedAsync("run", [.. RefusalOptions(sb, servers, block), "-v"], ["/bin/sh", "-c", RefusalScript, "sh", .. RefusalArguments(sb, servers, block)]);
        string session = Regex.Match(run.StandardError, @"session (\S+): exit").Groups[1].Value;
        ProcessResult show = await sb.RunAsync("audit", "show", session);

        Assert.True(run.ExitCode == 0, run.StandardError);
        Assert.Contains(block ? "network tier: seccomp-block" : "network tier: landlock-tcp", run.StandardError);
        Assert.Contains("udp=1", run.StandardOutput); // EPERM, as before
        Assert.Contains("ok", run.StandardOutput);
        Assert.Equal(0, servers.DnsQueries);
        Assert.Equal(block ? 0 : 1, servers.HttpRequests);
        if (!block)
        {
            Assert.Contains("allowed=200", run.StandardOutput);
        }

        Assert.True(show.ExitCode == 0, show.StandardError);
        Assert.Contains("network denied: socket AF_INET/SOCK_DGRAM:0", show.StandardOutput);
        Assert.Contains("socket-refused:AF_INET,SOCK_DGRAM,0", show.StandardOutput);
    }

    /// <summary>Without the observer (no audit record at all), the enforcing filter alone refuses the same query.</summary>
    [Theory]
    [MemberData(nameof(UsersAndFallbackModes))]
    public async Task Run_UdpQueryWithoutNamespace_NoAudit_StillRefused(TestUser user, bool block)
    {
        using NonoSandbox sb = new(user);
        await using LoopbackServers servers = new(sb.Outside.Path);
        sb.Environment["NONO_NETWORK_TIER"] = "landlock-tcp";

        ProcessResult run = await sb.SandboxedAsync("run", [.. RefusalOptions(sb, servers, block), "--no-audit"], ["/bin/sh", "-c", RefusalScript, "sh", .. RefusalArguments(sb, servers, block)]);

        Assert.True(run.ExitCode == 0, run.StandardError);
        Assert.Contains("udp=1", run.StandardOutput);
        Assert.Contains("ok", run.StandardOutput);
        Assert.Equal(0, servers.DnsQueries);
    }

    private static string[] RefusalOptions(NonoSandbox sb, LoopbackServers servers, bool block) => block
        ? ["--block-net", "--allow", sb.Outside.Path]
        : ["--allow-domain", servers.ApiEntry(), "--resolve", "api.test=127.0.0.1", "--allow", sb.Outside.Path, .. OptIn("landlock-tcp")];

    private static string[] RefusalArguments(NonoSandbox sb, LoopbackServers servers, bool block) =>
        [servers.DnsPort.ToString(), block ? "0" : servers.HttpPort.ToString(), Path.Combine(sb.Outside.Path, $"refusal-{Guid.NewGuid():N}")];
}
