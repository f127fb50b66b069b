using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

[Trait("Requires", "Landlock")]
public sealed partial class RunCommandTests
{
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_Grants_AllowWorkAndDenyEverythingElse(TestUser user)
    {
        using NonoSandbox sb = new(user);
        string secret = Guid.NewGuid().ToString("N");
        await File.WriteAllTextAsync(sb.Outside.Combine("secret"), secret, TestContext.Current.CancellationToken);
        Directory.CreateDirectory(sb.Home.Combine("work", "nested"));
        if (user == TestUser.Nobody)
        {
            await ProcessRunner.RunAsync("chown", ["-R", "65534:65534", sb.Home.Path, sb.Outside.Path], cancellationToken: TestContext.Current.CancellationToken);
        }

        ProcessResult result = await sb.SandboxedAsync("run", ["--allow", sb.Home.Combine("work")], "/bin/sh", "-c",
            $"echo hi > {sb.Home.Combine("work", "nested", "f")} && echo write-ok; cat {sb.Outside.Combine("secret")} || echo read-denied; " +
            $"echo x > {sb.Outside.Combine("planted")} || echo write-denied; echo x >> /etc/hostname || echo etc-denied");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("write-ok", result.StandardOutput);
        Assert.Contains("read-denied", result.StandardOutput);
        Assert.Contains("write-denied", result.StandardOutput);
        Assert.Contains("etc-denied", result.StandardOutput);
        Assert.DoesNotContain(secret, result.StandardOutput);
        Assert.False(File.Exists(sb.Outside.Combine("planted")));
    }

    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_ExitCodeAndSignal_PassThrough(TestUser user)
    {
        using NonoSandbox sb = new(user);

        ProcessResult exited = await sb.SandboxedAsync("run", [], "/bin/sh", "-c", "exit 7");
        ProcessResult killed = await sb.SandboxedAsync("run", [], "/bin/sh", "-c", "kill -TERM $$");
        ProcessResult missing = await sb.SandboxedAsync("run", [], "nono-no-such-command");

        Assert.Equal(7, exited.ExitCode);
        Assert.Equal(143, killed.ExitCode);
        Assert.Equal(127, missing.ExitCode);
        Assert.Contains("command not found", missing.StandardError);
    }

    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_SupervisorEnvironAndPtrace_OutOfReachWhileOwnEnvironReadable(TestUser user)
    {
        using NonoSandbox sb = new(user);
        string secret = Guid.NewGuid().ToString("N");
        sb.Environment["SANDBOX_PROBE_MARKER"] = secret;
        const string probe = """
            import ctypes, os
            pp = os.getppid()
            try:
                data = open(f"/proc/{pp}/environ", "rb").read()
                print("parent-environ-read", len(data))
                print("parent-secret-visible" if os.environ["SANDBOX_PROBE_MARKER"].encode() in data else "parent-secret-absent")
            except OSError as e:
                print("parent-environ-denied", e.errno)
            try:
                open(f"/proc/{pp}/mem", "rb").read(1); print("parent-mem-read")
            except OSError as e:
                print("parent-mem-denied", e.errno)
            libc = ctypes.CDLL(None, use_errno=True)
            print("ptrace", libc.ptrace(16, pp, 0, 0), ctypes.get_errno())
            own = open("/proc/self/environ", "rb").read()
            print("own-secret-visible" if os.environ["SANDBOX_PROBE_MARKER"].encode() in own else "own-secret-missing")
            """;

        ProcessResult result = await sb.SandboxedAsync("run", [], NonoSandbox.Python, "-c", probe);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("own-secret-visible", result.StandardOutput);
        Assert.DoesNotContain("parent-secret-visible", result.StandardOutput);
        Assert.Contains("parent-mem-denied", result.StandardOutput);
        Assert.Contains("ptrace -1 1", result.StandardOutput);
        if (user == TestUser.Nobody)
        {
            Assert.Contains("parent-environ-denied 13", result.StandardOutput); // non-dumpable supervisor
        }
    }

    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_Grandchild_InheritsSandbox(TestUser user)
    {
        using NonoSandbox sb = new(user);
        string secret = Guid.NewGuid().ToString("N");
        await File.WriteAllTextAsync(sb.Outside.Combine("s"), secret, TestContext.Current.CancellationToken);

        ProcessResult result = await sb.SandboxedAsync("run", [], "/bin/sh", "-c", $"sh -c 'sh -c \"cat {sb.Outside.Combine("s")} || echo grandchild-denied\"'");

        Assert.Contains("grandchild-denied", result.StandardOutput);
        Assert.DoesNotContain(secret, result.StandardOutput);
    }

    [Fact]
    public async Task Run_MissingGrantPath_OneLineError()
    {
        using NonoSandbox sb = new(TestUser.Current);

        ProcessResult result = await sb.RunAsync("run", "--read", "/nono-missing-path", "--", "/bin/true");

        Assert.Equal(1, result.ExitCode);
        string error = Assert.Single(result.StandardError.Trim().Split('\n'));
        Assert.StartsWith("nono: ", error);
        Assert.Contains("--read", error);
        Assert.Contains("/nono-missing-path", error);
    }

    [Fact]
    public async Task Run_DryRun_PrintsPlanAndRunsNothing()
    {
        using NonoSandbox sb = new(TestUser.Current);
        string marker = sb.Home.Combine("ran");

        ProcessResult result = await sb.SandboxedAsync("run", ["--dry-run", "--allow", sb.Home.Path, "--block-net"], "/bin/sh", "-c", $"touch {marker}");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("tier: LandlockV6Scoped", result.StandardOutput);
        Assert.Contains($"allow dir  {sb.Home.Path}", result.StandardOutput);
        Assert.Contains("network: block", result.StandardOutput);
        Assert.False(File.Exists(marker));
    }
}
