using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Nono.Action.Tests.Sandbox;
using Nono.Testing;

namespace Nono.Action.Tests.Network;

public sealed partial class RunNetworkTests
{
    /// <summary>Resolvers that ignore the proxy variables (glibc through getent and python, curl --noproxy, dig), then the proxy path.</summary>
    private const string DnsScript = """
        getent hosts "$NAME"; echo "getent=$?"
        /usr/bin/python3 -c 'import socket, sys
        try:
            socket.getaddrinfo(sys.argv[1], 443); print("gai=ok")
        except OSError as e:
            print("gai=%s" % e.errno)' "py-$NAME"
        curl -sS --noproxy '*' -o /dev/null "http://curl-$NAME:$1/"; echo "noproxy-name=$?"
        dig +tries=1 +time=10 "dig-$NAME" | grep -o 'status: [A-Z]*'; echo "dig=$?"
        curl -sS -o /dev/null -w 'allowed=%{http_code}\n' "http://api.test:$1/"
        curl -sS --noproxy '*' -o /dev/null "http://127.0.0.1:$1/"; echo "noproxy-loopback=$?"
        """;

    /// <summary>
    /// DNS is egress too. In the namespace tier a tool that resolves names itself gets REFUSED from the supervisor at once
    /// and the query name is in the session's audit; in the fallback tier its UDP socket is refused (EPERM) and nothing is
    /// recorded (the query never exists). In both, the proxy path works and the host's loopback stays unreachable.
    /// </summary>
    [Theory]
    [MemberData(nameof(UsersAndTiers))]
    public async Task Run_ToolIgnoringTheProxy_LookupFailsAtOnce_RecordedInTheNamespaceTier(TestUser user, string tier)
    {
        using NonoSandbox sb = new(user);
        await using LoopbackServers servers = new(sb.Outside.Path);
        string name = $"n{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}.dns.test";
        sb.Environment["NONO_NETWORK_TIER"] = tier;
        sb.Environment["NAME"] = name;
        string[] options = ["--allow-domain", servers.ApiEntry(), "--resolve", "api.test=127.0.0.1", .. OptIn(tier)];

        ProcessResult run = await sb.SandboxedAsync("run", options, ["/bin/sh", "-c", DnsScript, "sh", servers.HttpPort.ToString()]);
        string session = Regex.Match(run.StandardError, @"session (\S+): exit").Groups[1].Value;
        ProcessResult show = await sb.RunAsync("audit", "show", session);

        Assert.True(run.ExitCode == 0, run.StandardError);
        Assert.Contains("getent=2", run.StandardOutput); // not found, at once
        Assert.Contains("gai=-3", run.StandardOutput); // EAI_AGAIN: "Temporary failure in name resolution"
        Assert.Contains("noproxy-name=6", run.StandardOutput); // curl: could not resolve host
        Assert.Contains("allowed=200", run.StandardOutput);
        Assert.Contains("noproxy-loopback=7", run.StandardOutput);
        Assert.Equal(1, servers.HttpRequests); // only the proxied request reached the host
        Assert.True(show.ExitCode == 0, show.StandardError);
        Assert.DoesNotContain("DNS trap unavailable", run.StandardError);
        if (tier == "netns")
        {
            Assert.Contains("status: REFUSED", run.StandardOutput);
            foreach (string queried in new[] { name, $"py-{name}", $"curl-{name}", $"dig-{name}" })
            {
                Assert.Contains($"network denied: DNS {queried}:53", show.StandardOutput);
            }

            Assert.Contains($"DNS dig-{name}:53 denied (dns-query-refused:A)", show.StandardOutput);
        }
        else
        {
            Assert.Contains("dig=1", run.StandardOutput); // no answer at all: dig's socket was refused
            Assert.DoesNotContain("network denied: DNS", show.StandardOutput);
        }
    }

    /// <summary>
    /// The DNS trap only records, so a kernel that refuses one of its steps (forced here with the test knob, which makes
    /// the real step fail in the kernel) does not stop the run: the run warns, the audit records why, lookups that bypass
    /// the proxy still fail at once (now unrecorded), and the proxy path and the isolation are unchanged.
    /// </summary>
    [Theory]
    [InlineData(TestUser.Current, "route", "netlink RTM_NEWROUTE (local 0.0.0.0/0 dev lo): ")]
    [InlineData(TestUser.Nobody, "route", "netlink RTM_NEWROUTE (local 0.0.0.0/0 dev lo): ")]
    [InlineData(TestUser.Current, "bind", "bind the DNS socket on port 53 in the namespace: ")]
    [InlineData(TestUser.Nobody, "bind", "bind the DNS socket on port 53 in the namespace: ")]
    public async Task Run_DnsTrapRefusedByTheKernel_RunsIsolated_ReportsAndRecordsTheTrapUnavailable(TestUser user, string step, string reported)
    {
        using NonoSandbox sb = new(user);
        await using LoopbackServers servers = new(sb.Outside.Path);
        string name = $"n{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}.dns.test";
        sb.Environment["NONO_NETWORK_TIER"] = "netns";
        sb.Environment["NONO_TEST_DNS_TRAP_FAIL"] = step;
        sb.Environment["NAME"] = name;
        string[] options = ["--allow-domain", servers.ApiEntry(), "--resolve", "api.test=127.0.0.1"];

        ProcessResult run = await sb.SandboxedAsync("run", options, ["/bin/sh", "-c", DnsScript, "sh", servers.HttpPort.ToString()]);
        string session = Regex.Match(run.StandardError, @"session (\S+): exit").Groups[1].Value;
        ProcessResult show = await sb.RunAsync("audit", "show", session);

        Assert.True(run.ExitCode == 0, run.StandardError);
        Assert.Contains($"nono: warning: DNS trap unavailable ({reported}", run.StandardError);
        Assert.Contains("getent=2", run.StandardOutput);
        Assert.Contains("noproxy-name=6", run.StandardOutput);
        Assert.Contains("allowed=200", run.StandardOutput);
        Assert.Contains("noproxy-loopback=7", run.StandardOutput);
        Assert.Equal(1, servers.HttpRequests); // only the proxied request reached the host
        Assert.Equal(0, servers.DnsQueries); // nor did any lookup
        Assert.True(show.ExitCode == 0, show.StandardError);
        Assert.Contains($"dns-trap-unavailable:{reported}", show.StandardOutput);
        Assert.DoesNotContain($"network denied: DNS {name}", show.StandardOutput);
    }
}
