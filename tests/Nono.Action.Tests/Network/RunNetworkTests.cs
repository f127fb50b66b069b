using System.Security.Cryptography;
using Nono.Action.Tests.Sandbox;
using Nono.Testing;

namespace Nono.Action.Tests.Network;

/// <summary>
/// <c>nono run</c> in proxy mode, end to end with the real binary, real curl and python, real loopback servers: the proxy
/// path works, and no direct path out exists. Both network tiers (forced with NONO_NETWORK_TIER), as root and as uid 65534.
/// </summary>
[Trait("Requires", "Landlock")]
public sealed partial class RunNetworkTests
{
    private const string Script = """
        curl -sS -o /dev/null -w 'allowed=%{http_code}\n' http://api.test:$1/
        curl -sS -o /dev/null -w 'denied=%{http_code}\n' http://other.test:$1/
        curl -sS --noproxy '*' -o /dev/null http://127.0.0.1:$1/; echo "noproxy-loopback=$?"
        curl -sS --noproxy '*' -o /dev/null http://api.test:$1/; echo "noproxy-name=$?"
        /usr/bin/python3 -c "$PROBE" "$@"
        """;

    public static TheoryData<TestUser, string> UsersAndTiers => new()
    {
        { TestUser.Current, "netns" },
        { TestUser.Nobody, "netns" },
        { TestUser.Current, "landlock-tcp" },
        { TestUser.Nobody, "landlock-tcp" },
    };

    [Theory]
    [MemberData(nameof(UsersAndTiers))]
    public async Task Run_ProxyMode_OnlyAllowedHostsThroughTheProxyAreReachable(TestUser user, string tier)
    {
        using NonoSandbox sb = new(user);
        await using LoopbackServers servers = new(sb.Outside.Path);
        sb.Environment["NONO_NETWORK_TIER"] = tier;
        sb.Environment["PROBE"] = NetworkProbe.Script;
        string[] options = ["--allow-domain", servers.ApiEntry(), "--resolve", "api.test=127.0.0.1", .. OptIn(tier)];

        ProcessResult result = await sb.SandboxedAsync("run", options, ["/bin/sh", "-c", Script, "sh", .. servers.ProbeArguments]);
        Dictionary<string, string> probe = NetworkProbe.Parse(result.StandardOutput);

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Contains("allowed=200", result.StandardOutput);
        Assert.Contains("denied=403", result.StandardOutput);
        Assert.Contains("noproxy-loopback=7", result.StandardOutput); // connection refused / denied, not a hang
        Assert.Contains("noproxy-name=6", result.StandardOutput); // no resolver reachable: fails at once
        Assert.Equal(1, servers.HttpRequests); // exactly the proxied request
        // Landlock's port rule applies in both tiers (EACCES); what only the namespace stops is in the .SamePort tests.
        Assert.Equal("13", probe["tcp-http"]);
        Assert.Equal("13", probe["tcp-other"]);
        foreach (string channel in new[] { "unix-path", "unix-abstract", "raw", "packet", "icmp-dgram", "udplite", "io_uring" })
        {
            Assert.Equal("1", probe[channel]); // EPERM from seccomp
        }

        if (tier == "netns")
        {
            // UDP sockets exist in the namespace (for the DNS refuser), but every address there is local to its lo:
            // the datagram stays inside (the host's listener gets nothing, below) and a query to the host's port is refused.
            Assert.Equal("ok", probe["udp"]);
            Assert.Equal("111", probe["dns"]);
        }
        else
        {
            Assert.Equal("1", probe["udp"]);
            Assert.Equal("1", probe["dns"]);
        }

        Assert.False(servers.OtherTcp.Pending());
        Assert.Equal(0, servers.Udp.Available);
        Assert.Equal(0, servers.DnsQueries);
        Assert.False(servers.UnixPending);
        Assert.Equal(tier == "landlock-tcp", result.StandardError.Contains("weaker mode in force: proxy-without-netns", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Probe_WithoutSandbox_ReachesEveryServer(TestUser user)
    {
        // The control for the test above: the same probe, unsandboxed, reaches everything, so its failures there are the sandbox's.
        using NonoSandbox sb = new(user);
        await using LoopbackServers servers = new(sb.Outside.Path);

        ProcessResult result = await ProcessRunner.RunAsync(
            NonoSandbox.Python, ["-c", NetworkProbe.Script, .. servers.ProbeArguments], user, sb.Environment, sb.Home.Path,
            cancellationToken: TestContext.Current.CancellationToken);
        Dictionary<string, string> probe = NetworkProbe.Parse(result.StandardOutput);

        foreach (string channel in new[] { "tcp-http", "tcp-other", "udp", "dns", "unix-path", "unix-abstract" })
        {
            Assert.True(probe[channel] == "ok", $"{channel}: {probe[channel]}");
        }

        Assert.Equal(1, servers.DnsQueries);
    }

    [Fact]
    public async Task Run_FallbackTierWithoutOptIn_RefusesAndNamesTheReason()
    {
        using NonoSandbox sb = new(TestUser.Current);
        sb.Environment["NONO_NETWORK_TIER"] = "landlock-tcp";
        string marker = Path.Combine(sb.Home.Path, "ran");

        ProcessResult result = await sb.SandboxedAsync("run", ["--allow", sb.Home.Path, "--allow-domain", "api.test"], "/usr/bin/touch", marker);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("NONO_NETWORK_TIER=landlock-tcp forces the fallback tier", result.StandardError);
        Assert.Contains("--allow-weaker proxy-without-netns", result.StandardError);
        Assert.False(File.Exists(marker));
    }

    [Theory]
    [InlineData("netns", "network tier: netns")]
    [InlineData("landlock-tcp", "network tier: landlock-tcp (WEAKER")]
    public async Task DryRun_ProxyMode_StatesTheNetworkTier(string tier, string expected)
    {
        using NonoSandbox sb = new(TestUser.Current);
        sb.Environment["NONO_NETWORK_TIER"] = tier;

        ProcessResult result = await sb.SandboxedAsync(
            "run", ["--dry-run", "--allow-domain", "api.test", "--allow-domain", "*.api.test:8443", "--allow-domain", "[::1]:22", .. OptIn(tier)], "/bin/true");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(expected, result.StandardOutput);
        Assert.Contains("proxy allows: api.test (ports 443 tunnel, 80 http), *.api.test:8443, [::1]:22", result.StandardOutput);
    }

    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_ProxyCredential_ChildSeesOnlyThePhantomToken(TestUser user)
    {
        using NonoSandbox sb = new(user);
        string secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        sb.Environment["OPENAI_API_KEY"] = secret;

        ProcessResult result = await sb.SandboxedAsync("run", ["--proxy-credential", "openai"], "/usr/bin/env");

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.DoesNotContain(secret, result.StandardOutput);
        string phantom = result.StandardOutput.Split('\n').Single(l => l.StartsWith("OPENAI_API_KEY=", StringComparison.Ordinal))["OPENAI_API_KEY=".Length..];
        Assert.Matches("^[0-9a-f]{64}$", phantom);
        Assert.Contains("OPENAI_BASE_URL=http://127.0.0.1:", result.StandardOutput);
        Assert.Contains("HTTPS_PROXY=http://nono:", result.StandardOutput);
    }

    private static string[] OptIn(string tier) => tier == "landlock-tcp" ? ["--allow-weaker", "proxy-without-netns"] : [];
}
