using Nono.Action.Tests.Sandbox;
using Nono.Testing;

namespace Nono.Action.Tests.Network;

public sealed partial class RunNetworkTests
{
    private const string UnixListenProbe = """
        import os, socket, sys
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.bind(os.path.join(sys.argv[1], "l.sock"))
        try:
            s.listen(1); print("unix-listen=ok")
        except OSError as e:
            print("unix-listen=%d" % e.errno)
        """;

    /// <summary>
    /// nono run (landlock-tcp tier, proxy mode) inside nono run --fs-observer on: the outer observer's listener makes the
    /// inner guard's listener fail (EBUSY), so every listen of the inner command fails, UNIX sockets included. The inner
    /// run says so on stderr; the same command in a plain landlock-tcp run listens and gets no such line.
    /// </summary>
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_LandlockTcp_ListenGuardCannotBeInstalled_Warns(TestUser user)
    {
        using NonoSandbox sb = new(user);
        (string innerHome, string work) = await NestedRunDirectoriesAsync(sb);
        // The inner run cannot supervise metadata calls (the outer filter refuses its listener): it needs the opt-in.
        string[] inner = [NonoExecutable.Path, "run", .. SandboxSystemPaths.CliFlags, .. ConnectOptions(sb), "--allow-weaker", "unrestricted-metadata", "--", NonoSandbox.Python, "-c", UnixListenProbe, work];
        // The outer run's opt-in keeps its filter from refusing the inner listener (EPERM): the kernel's EBUSY is the case here.
        ProcessResult nested = await sb.SandboxedAsync("run", ["--fs-observer", "on", "--allow-weaker", "unrestricted-metadata", "--allow-unix-sockets", "--read", "/", "--allow", sb.Outside.Path],
            ["/usr/bin/env", $"HOME={innerHome}", $"TMPDIR={work}", "NONO_NETWORK_TIER=landlock-tcp", .. inner]);
        File.Delete(Path.Combine(work, "l.sock"));
        sb.Environment["NONO_NETWORK_TIER"] = "landlock-tcp";
        ProcessResult plain = await sb.RunAsync(inner[1..]);

        Assert.True(nested.ExitCode == 0, nested.StandardError);
        Assert.Contains("unix-listen=13", nested.StandardOutput); // fail closed: no guard, no listen
        Assert.Contains("nono: warning: listen guard unavailable (seccomp(SECCOMP_FILTER_FLAG_NEW_LISTENER): EBUSY", nested.StandardError);
        Assert.Contains("every listen(2) in the sandbox fails with EACCES, UNIX sockets included", nested.StandardError);
        Assert.True(plain.ExitCode == 0, plain.StandardError);
        Assert.Contains("unix-listen=ok", plain.StandardOutput);
        Assert.DoesNotContain("listen guard unavailable", plain.StandardError);
    }

    /// <summary>The inner run's home (its session records) and working directory, under the outer run's writable grant.</summary>
    private static async Task<(string InnerHome, string Work)> NestedRunDirectoriesAsync(NonoSandbox sb)
    {
        string innerHome = Path.Combine(sb.Outside.Path, "inner-home");
        string work = Path.Combine(sb.Outside.Path, "work");
        Directory.CreateDirectory(innerHome);
        Directory.CreateDirectory(work);
        if (sb.User == TestUser.Nobody)
        {
            ProcessResult chown = await ProcessRunner.RunAsync("chown", ["-R", $"{ProcessRunner.NobodyId}:{ProcessRunner.NobodyId}", sb.Outside.Path], cancellationToken: TestContext.Current.CancellationToken);
            Assert.Equal(0, chown.ExitCode);
        }

        return (innerHome, work);
    }
}
