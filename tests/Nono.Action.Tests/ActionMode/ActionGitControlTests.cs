using Nono.Testing;

namespace Nono.Action.Tests.ActionMode;

/// <summary>
/// An agent that changes .git/config or .git/hooks plants code that the workflow's next git command (outside the
/// sandbox) would run: every such change fails the gate, while committing in the sandbox still passes.
/// </summary>
public sealed class ActionGitControlTests
{
    public static TheoryData<TestUser, string, string> Attacks => new()
    {
        { TestUser.Current, "git config core.fsmonitor 'touch /tmp/nono-fsmonitor-pwned'", ".git/config" },
        { TestUser.Nobody, "git config core.fsmonitor 'touch /tmp/nono-fsmonitor-pwned'", ".git/config" },
        { TestUser.Current, "printf '#!/bin/sh\\nid\\n' > .git/hooks/post-checkout && chmod +x .git/hooks/post-checkout", ".git/hooks/post-checkout" },
        { TestUser.Nobody, "printf '#!/bin/sh\\nid\\n' > .git/hooks/post-checkout && chmod +x .git/hooks/post-checkout", ".git/hooks/post-checkout" },
        { TestUser.Current, "cp .git/config c && echo '[core]' >> c && echo ' hooksPath = /tmp' >> c && rm .git/config && mv c .git/config", ".git/config" },
        { TestUser.Nobody, "mkdir -p .git/info && echo '* filter=evil' > .git/info/attributes", ".git/info/attributes" },
    };

    [Theory]
    [MemberData(nameof(Attacks))]
    public async Task GitControlFileChanged_FailsTheGate(TestUser user, string attack, string path)
    {
        Assert.SkipUnless(user == TestUser.Current || ProcessRunner.IsRoot, "running as uid 65534 needs root");
        using ActionStep runner = new(user);

        (ProcessResult step, ProcessResult gate, Dictionary<string, string> outputs) = await runner.RunAsync(new() { ["run"] = attack });

        Assert.True(outputs.GetValueOrDefault("exit-code") == "0", step.ToString()); // the command itself succeeded
        Assert.Equal(1, step.ExitCode);
        Assert.Equal(1, gate.ExitCode);
        Assert.Equal("1", outputs["step-exit"]);
        Assert.Contains($"::error title=nono.git-control-changed", step.StandardOutput, StringComparison.Ordinal);
        Assert.Contains(path, step.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("nono.git\\-control\\-changed", File.ReadAllText(runner.SummaryFile), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task CommitInTheSandbox_StillPasses(TestUser user)
    {
        Assert.SkipUnless(user == TestUser.Current || ProcessRunner.IsRoot, "running as uid 65534 needs root");
        using ActionStep runner = new(user);

        (ProcessResult step, ProcessResult gate, Dictionary<string, string> outputs) = await runner.RunAsync(new()
        {
            ["run"] = "echo agent >> app.py && git add app.py && git commit -qm 'agent change'",
        });

        Assert.True(step.ExitCode == 0, step.ToString());
        Assert.Equal(0, gate.ExitCode);
        // The commit moved objects and refs in .git, which the snapshots exclude: one excluded-path warning, not an error.
        Assert.Equal("1", outputs["violations"]);
        Assert.Contains("nono.excluded\\-path\\-changed", File.ReadAllText(runner.SummaryFile), StringComparison.Ordinal);
        ProcessResult log = await ProcessRunner.RunAsync("git", ["-c", "safe.directory=*", "-C", runner.Workspace, "log", "--format=%s", "-1"], cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("agent change", log.StandardOutput.Trim());
    }
}
