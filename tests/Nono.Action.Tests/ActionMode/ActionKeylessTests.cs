using Nono.Testing;

namespace Nono.Action.Tests.ActionMode;

/// <summary>The action's keyless signing choices when the job has no <c>id-token: write</c> (the signed path: Review/ReviewCommandTests).</summary>
public sealed class ActionKeylessTests
{
    [Fact]
    public async Task SignKeyless_WithoutIdToken_FailsBeforeTheCommandRuns()
    {
        using ActionStep runner = new(TestUser.Current);

        (ProcessResult step, ProcessResult gate, _) = await runner.RunAsync(new() { ["run"] = "touch ran.txt", ["sign"] = "keyless" });

        Assert.Equal(1, step.ExitCode);
        Assert.NotEqual(0, gate.ExitCode);
        Assert.Contains("::error::nono: input 'sign': 'keyless' needs 'permissions: id-token: write'", step.StandardOutput, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(runner.Workspace, "ran.txt")));
    }

    [Fact]
    public async Task SignAuto_WithoutIdToken_RunsUnsignedAndSaysSo()
    {
        using ActionStep runner = new(TestUser.Current);

        (ProcessResult step, _, Dictionary<string, string> outputs) = await runner.RunAsync(new() { ["run"] = "true" });

        Assert.True(step.ExitCode == 0, step.ToString());
        Assert.Equal("", outputs["bundle"]);
        Assert.Contains("not signed", File.ReadAllText(runner.SummaryFile), StringComparison.Ordinal);
    }
}
