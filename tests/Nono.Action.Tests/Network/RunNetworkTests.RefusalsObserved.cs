using System.Text.RegularExpressions;
using Nono.Action.Tests.Sandbox;
using Nono.Testing;

namespace Nono.Action.Tests.Network;

public sealed partial class RunNetworkTests
{
    /// <summary>
    /// With <c>--fs-observer on</c> one observer both checks path calls and records refusals: the UDP query is refused and
    /// recorded, a read outside the grants is recorded as a file-access denial, and the granted file write still works.
    /// </summary>
    [Theory]
    [MemberData(nameof(UsersAndFallbackModes))]
    public async Task Run_UdpQueryWithoutNamespace_FsObserverOn_RefusalAndPathDenialRecorded(TestUser user, bool block)
    {
        using NonoSandbox sb = new(user);
        await using LoopbackServers servers = new(sb.Outside.Path);
        sb.Environment["NONO_NETWORK_TIER"] = "landlock-tcp";
        using TempDirectory secrets = new();
        string secret = Path.Combine(secrets.Path, "secret");
        File.WriteAllText(secret, "s");
        File.SetUnixFileMode(secrets.Path, (UnixFileMode)0x1ED); // 0755: only Landlock denies it
        File.SetUnixFileMode(secret, (UnixFileMode)0x1A4); // 0644
        string script = RefusalScript + $"\ncat '{secret}' >/dev/null 2>&1; echo \"secret-read=$?\"\n";

        ProcessResult run = await sb.SandboxedAsync("run", [.. RefusalOptions(sb, servers, block), "--fs-observer", "on"], ["/bin/sh", "-c", script, "sh", .. RefusalArguments(sb, servers, block)]);
        string session = Regex.Match(run.StandardError, @"session (\S+): exit").Groups[1].Value;
        ProcessResult show = await sb.RunAsync("audit", "show", session);

        Assert.True(run.ExitCode == 0, run.StandardError);
        Assert.Contains("udp=1", run.StandardOutput);
        Assert.Contains("secret-read=1", run.StandardOutput);
        Assert.Contains("ok", run.StandardOutput); // the granted write
        Assert.Equal(0, servers.DnsQueries);
        Assert.True(show.ExitCode == 0, show.StandardError);
        Assert.Contains("socket-refused:AF_INET,SOCK_DGRAM,0", show.StandardOutput);
        Assert.Contains(secret, show.StandardOutput);
    }

    /// <summary>
    /// nono run --block-net inside nono run --block-net: the outer run's filter refuses the inner observer's listener
    /// (EPERM). The inner run goes on without recording: the UDP socket is still refused, and its record says why.
    /// </summary>
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_BlockNetInsideBlockNet_RecordingUnavailable_StillRefused(TestUser user)
    {
        using NonoSandbox sb = new(user);
        (string innerHome, string work) = await NestedRunDirectoriesAsync(sb);
        string profile = Path.Combine(sb.Outside.Path, "inner.json");
        File.WriteAllText(profile, """{"meta":{"name":"inner","description":"nested"},"workdir":{"access":"readwrite"},"network":{"block":true}}""");

        const string udp = "import socket\ntry:\n    socket.socket(socket.AF_INET, socket.SOCK_DGRAM); print('udp=created')\nexcept OSError as e:\n    print('udp=%d' % e.errno)";
        // --fs-observer off: a nested sandbox needs it whenever landlock-audit could record the outer run (it refuses nested
        // Landlock domains), and the kernel audit may be on while another test class runs.
        ProcessResult run = await sb.SandboxedAsync("run", ["--fs-observer", "off", "--block-net", "--read", "/", "--allow", sb.Outside.Path],
            ["/usr/bin/env", $"HOME={innerHome}", $"TMPDIR={work}", "/bin/sh", "-c", $"cd '{work}' && exec \"$@\"", "sh",
                NonoExecutable.Path, "run", "-p", profile, "--read", "/usr", "--read", "/lib", "--read", Path.GetDirectoryName(NonoExecutable.Path)!, "--block-net",
                "--allow-weaker", "unrestricted-metadata", "--", // the inner run cannot supervise metadata calls: no listener of its own
                NonoSandbox.Python, "-c", udp]);

        Assert.True(run.ExitCode == 0, run.StandardError);
        Assert.Contains("udp=1", run.StandardOutput);
        string record = string.Concat(Directory.EnumerateFiles(Path.Combine(innerHome, ".local", "state", "nono"), "*", SearchOption.AllDirectories).Select(File.ReadAllText));
        Assert.Matches("\"mechanism\":\"seccomp-network-refusals\",\"status\":\"unavailable\",\"detail\":\"seccomp\\(SECCOMP_FILTER_FLAG_NEW_LISTENER\\): EPERM", record);
    }
}
