using Nono.Core.Capabilities;
using Nono.Core.Diagnostics;
using Nono.Core.Sandbox;
using Nono.Testing;

namespace Nono.Core.Tests.Sandbox;

[Trait("Requires", "Landlock")]
public sealed partial class SandboxLauncherTests
{
    [Fact]
    public async Task Start_ReadGrant_ReadsGrantedFileButNotOthers()
    {
        using TempDirectory granted = new();
        using TempDirectory other = new();
        string secret = Guid.NewGuid().ToString("N");
        await File.WriteAllTextAsync(granted.Combine("in.txt"), secret, TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(other.Combine("out.txt"), secret, TestContext.Current.CancellationToken);

        ProcessResult ok = await SandboxRun.ShAsync(SandboxRun.With(SandboxRun.Read(granted.Path)), $"cat {granted.Combine("in.txt")}");
        ProcessResult denied = await SandboxRun.ShAsync(SandboxRun.With(SandboxRun.Read(granted.Path)), $"cat {other.Combine("out.txt")}");

        Assert.Equal(0, ok.ExitCode);
        Assert.Equal(secret, ok.StandardOutput);
        Assert.NotEqual(0, denied.ExitCode);
        Assert.Contains("Permission denied", denied.StandardError);
        Assert.DoesNotContain(secret, denied.StandardOutput);
    }

    [Fact]
    public async Task Start_ExitCode_PassesThrough()
    {
        ProcessResult result = await SandboxRun.ShAsync(SandboxRun.With(), "exit 7");

        Assert.Equal(7, result.ExitCode);
    }

    [Fact]
    public async Task Start_KilledBySignal_Reports128PlusSignal()
    {
        ProcessResult result = await SandboxRun.ShAsync(SandboxRun.With(), "kill -TERM $$");

        Assert.Equal(143, result.ExitCode);
    }

    [Fact]
    public void Start_UnknownCommand_ThrowsCommandNotFound()
    {
        SandboxPlan plan = SandboxRun.Plan(SandboxRun.With());

        NonoException ex = Assert.Throws<NonoException>(() => SandboxLauncher.Start(plan, new LaunchSpec
        {
            Command = "nono-no-such-command-" + Guid.NewGuid().ToString("N"),
            Environment = new Dictionary<string, string> { ["PATH"] = "/usr/bin" },
            WorkingDirectory = "/",
        }));

        Assert.Equal(NonoErrorCode.CommandNotFound, ex.Code);
    }

    [Fact]
    public void Start_LaunchStateCannotBeBuilt_ThrowsOnTheCallerAndTheSupervisorThreadEnds()
    {
        SandboxPlan plan = SandboxRun.Plan(SandboxRun.With());

        // A NUL in the environment cannot reach execve: building the native state throws, after the supervisor thread
        // (started first, to open the no-GC region meanwhile) is already waiting for it.
        ArgumentException ex = Assert.Throws<ArgumentException>(() => SandboxLauncher.Start(plan, new LaunchSpec
        {
            Command = "/bin/true",
            Environment = new Dictionary<string, string> { ["PATH"] = "/usr/bin", ["NONO_TEST_NUL"] = "a\0b" },
            WorkingDirectory = "/",
        }));

        Assert.Contains("NUL", ex.Message, StringComparison.Ordinal);
        // Other tests' launches wait here only while their state is built (milliseconds); a thread nobody releases stays.
        Assert.True(
            SpinWait.SpinUntil(() => SandboxLauncher.SupervisorsAwaitingLaunch == 0, TimeSpan.FromSeconds(10)),
            $"{SandboxLauncher.SupervisorsAwaitingLaunch} supervisor thread(s) still wait for a launch that will never come");
    }
}
