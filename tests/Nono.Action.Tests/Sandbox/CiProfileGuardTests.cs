using System.Security.Cryptography;
using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

/// <summary>
/// A plain <c>nono run</c> on the <c>ci</c> profile gets the action mode's guards: the token actions/checkout persisted
/// in .git/config is hidden from the command and put back, and the direct-child containment is refused.
/// </summary>
public sealed class CiProfileGuardTests
{
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_CiProfile_HidesCheckoutToken_AndPutsItBack(TestUser user)
    {
        using NonoSandbox sb = new(user);
        (string workspace, string header) = await CheckoutAsync(sb, user);

        ProcessResult run = await sb.SandboxedAsync("run", ["-p", "ci"], "/bin/sh", "-c",
            "cat .git/config; echo x > built.txt && echo BUILT");
        ProcessResult plain = await sb.SandboxedAsync("run", ["--allow", workspace], "/bin/sh", "-c", "cat .git/config");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("BUILT", run.StandardOutput);
        Assert.DoesNotContain(header, run.StandardOutput);
        Assert.Contains(header, File.ReadAllText(Path.Combine(workspace, ".git", "config")));
        Assert.Contains(header, plain.StandardOutput); // without ci, the guard does not run (the legitimate path of other profiles)
    }

    [Fact]
    public async Task Run_CiProfileDirectChild_Refused()
    {
        using NonoSandbox sb = new(TestUser.Current);
        (string workspace, _) = await CheckoutAsync(sb, TestUser.Current);
        sb.Environment["NONO_CONTAINMENT"] = "direct-child";

        ProcessResult ci = await sb.SandboxedAsync("run", ["-p", "ci"], "/bin/sh", "-c", "echo x > ran.txt");
        ProcessResult other = await sb.SandboxedAsync("run", ["--allow", workspace], "/bin/true");

        Assert.Equal(1, ci.ExitCode);
        Assert.Contains("nono: process containment: direct-child cannot end a daemonised grandchild", ci.StandardError, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(workspace, "ran.txt")));
        Assert.True(other.ExitCode == 0, other.ToString());
    }

    private static async Task<(string Workspace, string Header)> CheckoutAsync(NonoSandbox sb, TestUser user)
    {
        string workspace = sb.StartInProjectDirectory();
        string runnerTemp = Directory.CreateDirectory(sb.Outside.Combine("runner-temp")).FullName;
        string header = "AUTHORIZATION: basic " + Convert.ToBase64String(RandomNumberGenerator.GetBytes(27));
        foreach (string[] args in new[] { new[] { "-c", "safe.directory=*", "init", "-q" }, ["-c", "safe.directory=*", "config", "--local", "http.https://github.com/.extraheader", header] })
        {
            ProcessResult git = await ProcessRunner.RunAsync("git", args, workingDirectory: workspace, cancellationToken: TestContext.Current.CancellationToken);
            Assert.True(git.ExitCode == 0, git.ToString());
        }

        if (user == TestUser.Nobody)
        {
            await ProcessRunner.RunAsync("chown", ["-R", "65534:65534", sb.Home.Path, sb.Outside.Path], cancellationToken: TestContext.Current.CancellationToken);
        }

        sb.Environment["GITHUB_WORKSPACE"] = workspace;
        sb.Environment["RUNNER_TEMP"] = runnerTemp;
        sb.Environment["RUNNER_TOOL_CACHE"] = runnerTemp;
        return (workspace, header);
    }
}
