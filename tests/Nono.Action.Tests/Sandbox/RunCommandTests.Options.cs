using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

public sealed partial class RunCommandTests
{
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_WorkdirWithAllowCwd_WritesThereOnly(TestUser user)
    {
        using NonoSandbox sb = new(user);
        string work = sb.Home.Combine("w");
        Directory.CreateDirectory(work);
        if (user == TestUser.Nobody)
        {
            await ProcessRunner.RunAsync("chown", ["65534:65534", work], cancellationToken: TestContext.Current.CancellationToken);
        }

        ProcessResult result = await sb.SandboxedAsync("run", ["--workdir", work, "--allow-cwd"], "/bin/sh", "-c",
            $"pwd; echo x > here && echo cwd-write-ok; echo x > {sb.Home.Combine("above")} || echo above-denied");

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith(work, result.StandardOutput);
        Assert.Contains("cwd-write-ok", result.StandardOutput);
        Assert.Contains("above-denied", result.StandardOutput);
        Assert.True(File.Exists(Path.Combine(work, "here")));
    }

    [Fact]
    public async Task Run_NonoAllowEnvironment_GrantsEachListedDirectory()
    {
        using NonoSandbox sb = new(TestUser.Current);
        Directory.CreateDirectory(sb.Home.Combine("a"));
        Directory.CreateDirectory(sb.Home.Combine("b"));
        sb.Environment["NONO_ALLOW"] = $"{sb.Home.Combine("a")}, {sb.Home.Combine("b")}";

        ProcessResult result = await sb.SandboxedAsync("run", [], "/bin/sh", "-c",
            $"touch {sb.Home.Combine("a", "1")} {sb.Home.Combine("b", "2")} && echo both-ok; touch {sb.Outside.Combine("3")} || echo outside-denied");

        Assert.Contains("both-ok", result.StandardOutput);
        Assert.Contains("outside-denied", result.StandardOutput);
    }

    [Fact]
    public async Task Run_CommandNotUnderReadGrant_Exits126WithHint()
    {
        using NonoSandbox sb = new(TestUser.Current);

        ProcessResult result = await sb.RunAsync("run", "--", "/bin/true");

        Assert.Equal(126, result.ExitCode);
        Assert.Contains("execve", result.StandardError);
        Assert.Contains("is it under a read grant?", result.StandardError);
    }
}
