using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

public sealed partial class RunCommandTests
{
    [Theory]
    [InlineData(TestUser.Current, 3, "LandlockV1Filesystem")]
    [InlineData(TestUser.Current, 4, "LandlockV4Network")]
    [InlineData(TestUser.Current, 5, "LandlockV4Network")]
    [InlineData(TestUser.Current, 6, "LandlockV6Scoped")]
    [InlineData(TestUser.Nobody, 3, "LandlockV1Filesystem")]
    [InlineData(TestUser.Nobody, 7, "LandlockV6Scoped")]
    public async Task Run_AbiCapped_ReportsTierAndEnforcesFilesystem(TestUser user, int abi, string tier)
    {
        using NonoSandbox sb = new(user);
        string secret = Guid.NewGuid().ToString("N");
        await File.WriteAllTextAsync(sb.Outside.Combine("s"), secret, TestContext.Current.CancellationToken);
        string[] options = ["--landlock-abi", abi.ToString(), "--allow-weaker", "unscoped-signals", "-v"];

        ProcessResult result = await sb.SandboxedAsync("run", options, "/bin/sh", "-c", $"cat {sb.Outside.Combine("s")} || echo denied");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"tier: {tier} (landlock ABI {abi})", result.StandardError);
        Assert.Contains("denied", result.StandardOutput);
        Assert.DoesNotContain(secret, result.StandardOutput);
        // The default containment here is the PID namespace: below ABI 6 it scopes signals, so the opt-in is not used.
        Assert.DoesNotContain("weaker mode in force: unscoped-signals", result.StandardError);
        Assert.Equal(abi < 6, result.StandardError.Contains($"signals scoped by the PID namespace and a session of its own (Landlock ABI {abi} has no signal scoping)"));
    }

    [Fact]
    public async Task Run_UnenforceableWithoutOptIn_RefusedWithEveryProblem()
    {
        using NonoSandbox sb = new(TestUser.Current);
        // Outside a PID namespace nothing scopes signals below ABI 6 (pidns would; RunCommandTests.PidnsSignals).
        sb.Environment["NONO_CONTAINMENT"] = "direct-child";

        ProcessResult result = await sb.SandboxedAsync("run", ["--landlock-abi", "2"], "/bin/true");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--allow-weaker unrestricted-truncate", result.StandardError);
        Assert.Contains("--allow-weaker unscoped-signals", result.StandardError);
    }

    [Fact]
    public async Task Run_UnknownWeakerMode_IsAnError()
    {
        using NonoSandbox sb = new(TestUser.Current);

        ProcessResult result = await sb.SandboxedAsync("run", ["--allow-weaker", "everything"], "/bin/true");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("unknown weaker mode 'everything'", result.StandardError);
    }

    /// <summary>
    /// Where the kernel refuses a new PID namespace (here: user.max_pid_namespaces = 0 in a user namespace made for the test;
    /// elsewhere Docker's seccomp profile or unprivileged user namespaces turned off), the default choice falls back to the
    /// next tier that works and runs the command, and a forced <c>pidns</c> is refused with the reason, not a fork error.
    /// </summary>
    [Fact]
    public async Task Run_PidNamespaceRefusedByTheKernel_FallsBackOrForcedSaysWhy()
    {
        Assert.SkipUnless(ProcessRunner.IsRoot, "the cgroup tier it falls back to needs root");
        using NonoSandbox sb = new(TestUser.Current);
        string[] noPidNamespaces = ["--user", "--map-root-user", "sh", "-c", "echo 0 > /proc/sys/user/max_pid_namespaces && exec \"$0\" \"$@\"", NonoExecutable.Path];
        string[] run = ["run", .. SandboxSystemPaths.CliFlags, "--", "/bin/echo", "hi"];
        CancellationToken ct = TestContext.Current.CancellationToken;

        ProcessResult chosen = await ProcessRunner.RunAsync("unshare", [.. noPidNamespaces, .. run], TestUser.Current, sb.Environment, sb.Home.Path, cancellationToken: ct);
        ProcessResult dry = await ProcessRunner.RunAsync("unshare", [.. noPidNamespaces, "run", "--dry-run", "--", "/bin/true"], TestUser.Current, sb.Environment, sb.Home.Path, cancellationToken: ct);
        sb.Environment["NONO_CONTAINMENT"] = "pidns";
        ProcessResult forced = await ProcessRunner.RunAsync("unshare", [.. noPidNamespaces, .. run], TestUser.Current, sb.Environment, sb.Home.Path, cancellationToken: ct);

        Assert.Equal(0, chosen.ExitCode);
        Assert.Equal("hi", chosen.StandardOutput.Trim());
        Assert.Contains("process containment: cgroup", dry.StandardOutput);
        Assert.Equal(1, forced.ExitCode);
        Assert.Contains("NONO_CONTAINMENT=pidns, but it is not available: clone(CLONE_NEWPID|CLONE_NEWNS|CLONE_NEWIPC) failed", forced.StandardError);
        Assert.Contains("(errno 28)", forced.StandardError); // ENOSPC: the namespace limit
        Assert.DoesNotContain("fork failed", chosen.StandardError + forced.StandardError);
    }
}
