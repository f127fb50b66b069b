using System.Text.RegularExpressions;
using Nono.Testing;

namespace Nono.Action.Tests.ActionMode;

/// <summary>
/// What action mode leaves behind when something goes wrong: a containment that lets survivors outlive the command is
/// refused, an exception mid-run still resumes workflow commands and restores the checkout token, and a failure while
/// reporting never leaves a passing step-exit. Runs the real <c>nono action</c> on a simulated runner.
/// </summary>
public sealed partial class ActionRunFailureTests
{
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task DirectChildContainment_IsRefused_NamingTheRemedy(TestUser user)
    {
        Assert.SkipUnless(user == TestUser.Current || ProcessRunner.IsRoot, "running as uid 65534 needs root");
        using ActionStep runner = new(user);
        runner.JobEnvironment["NONO_CONTAINMENT"] = "direct-child";

        (ProcessResult step, ProcessResult gate, Dictionary<string, string> outputs) = await runner.RunAsync(new() { ["run"] = "touch ran.txt; (sleep 1000 &)" });

        Assert.False(File.Exists(Path.Combine(runner.Workspace, "ran.txt")), step.ToString());
        // nono's own stderr (its descriptor was taken before the relay), neutralised, not the command's stream.
        Assert.Contains("nono: process containment: direct-child cannot end a daemonised grandchild", step.StandardError, StringComparison.Ordinal);
        Assert.Contains("Remedy:", step.StandardError, StringComparison.Ordinal);
        Assert.NotEqual(0, step.ExitCode);
        Assert.NotEqual(0, gate.ExitCode);
        Assert.NotEqual("0", outputs["step-exit"]);
        Assert.Equal(runner.CheckoutHeader, await CheckoutHeaderAsync(runner));
    }

    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task FailureAfterTheCommand_ResumesCommands_AndRestoresTheToken(TestUser user)
    {
        Assert.SkipUnless(user == TestUser.Current || ProcessRunner.IsRoot, "running as uid 65534 needs root");
        using ActionStep runner = new(user);
        runner.JobEnvironment["NONO_TEST_ACTION_FAIL_AFTER_COMMAND"] = "1";

        (ProcessResult step, ProcessResult gate, Dictionary<string, string> outputs) = await runner.RunAsync(new() { ["run"] = "echo fine" });

        Assert.Contains("nono: internal error (InvalidOperationException)", step.StandardError, StringComparison.Ordinal);
        string token = runner.Commands.Single(c => c.Name == "stop-commands").Data;
        Assert.Contains($"\n::{token}::\n", step.StandardOutput, StringComparison.Ordinal);
        Assert.Contains(runner.Commands, c => c.Name == "endgroup"); // written after the resume, so it took effect
        Assert.Equal(runner.CheckoutHeader, await CheckoutHeaderAsync(runner));
        Assert.NotEqual(0, step.ExitCode);
        Assert.NotEqual(0, gate.ExitCode);
        Assert.Equal("1", outputs["step-exit"]);
    }

    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task OutputFileUnwritable_TheTokenIsStillRestored(TestUser user)
    {
        Assert.SkipUnless(user == TestUser.Current || ProcessRunner.IsRoot, "running as uid 65534 needs root");
        using ActionStep runner = new(user);
        runner.JobEnvironment["GITHUB_OUTPUT"] = Path.Combine(runner.RunnerTemp, "missing", "output");

        (ProcessResult step, _, _) = await runner.RunAsync(new() { ["run"] = "echo fine" });

        Assert.NotEqual(0, step.ExitCode);
        Assert.Equal(runner.CheckoutHeader, await CheckoutHeaderAsync(runner));
    }

    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task ReportingFails_OutputsWereFinalFirst_AndStepExitIsNotGreen(TestUser user)
    {
        Assert.SkipUnless(user == TestUser.Current || ProcessRunner.IsRoot, "running as uid 65534 needs root");
        using ActionStep runner = new(user);
        Directory.CreateDirectory(runner.SummaryFile); // appending the job summary fails

        (ProcessResult step, ProcessResult gate, Dictionary<string, string> outputs) = await runner.RunAsync(new() { ["run"] = "echo fine" });

        Assert.Equal("0", outputs.GetValueOrDefault("exit-code")); // final outputs were written before the report
        Assert.Matches(SessionId(), outputs.GetValueOrDefault("session-id", ""));
        Assert.Equal("1", outputs["step-exit"]);
        Assert.NotEqual(0, step.ExitCode);
        Assert.NotEqual(0, gate.ExitCode);
    }

    internal static async Task<string> CheckoutHeaderAsync(ActionStep runner)
    {
        ProcessResult r = await ProcessRunner.RunAsync(
            "git", ["-c", "safe.directory=*", "-C", runner.Workspace, "config", "--local", "--get", "http.https://github.com/.extraheader"],
            cancellationToken: TestContext.Current.CancellationToken);
        return r.StandardOutput.Trim();
    }

    [GeneratedRegex("^[0-9]{8}T[0-9]{6}Z")]
    private static partial Regex SessionId();
}
