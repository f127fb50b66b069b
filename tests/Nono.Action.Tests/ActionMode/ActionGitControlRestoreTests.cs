using Nono.Testing;

namespace Nono.Action.Tests.ActionMode;

/// <summary>
/// Action mode puts changed git control files back after the run (the gate still fails), so a later workflow step outside
/// the sandbox does not run the command's fsmonitor or hook; and it covers other checkouts under the writable grants and
/// the git directory a <c>.git</c> file points to, not only the working directory's <c>.git</c>.
/// </summary>
public sealed class ActionGitControlRestoreTests
{
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task ChangedControlFiles_ArePutBack_AndTheGateStillFails(TestUser user)
    {
        Assert.SkipUnless(user == TestUser.Current || ProcessRunner.IsRoot, "running as uid 65534 needs root");
        using ActionStep runner = new(user);
        string config = Path.Combine(runner.Workspace, ".git", "config");
        string hooks = Path.Combine(runner.Workspace, ".git", "hooks");
        string[] samples = [.. Directory.EnumerateFiles(hooks).Order(StringComparer.Ordinal)];
        Assert.NotEmpty(samples);
        UnixFileMode sampleMode = File.GetUnixFileMode(samples[0]);

        (ProcessResult step, ProcessResult gate, _) = await runner.RunAsync(new()
        {
            ["run"] = "git config core.fsmonitor 'touch /tmp/nono-fsmonitor-pwned' && printf '#!/bin/sh\\nid\\n' > .git/hooks/post-checkout "
                + $"&& chmod +x .git/hooks/post-checkout && rm .git/hooks/{Path.GetFileName(samples[0])} && mkdir .git/hooks/sub && ln -s /etc/passwd .git/info/exclude2",
        });

        Assert.Equal(1, step.ExitCode);
        Assert.Equal(1, gate.ExitCode);
        Assert.Contains("::error title=nono.git-control-changed", step.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("restored", step.StandardOutput, StringComparison.Ordinal);
        // Put back: no fsmonitor, no planted hook, directory or link, the deleted sample with its mode, the token too.
        Assert.Equal("", await GitAsync(runner.Workspace, "config", "--get", "core.fsmonitor"));
        Assert.Equal(runner.CheckoutHeader, await GitAsync(runner.Workspace, "config", "--get", "http.https://github.com/.extraheader"));
        Assert.False(File.Exists(Path.Combine(hooks, "post-checkout")));
        Assert.False(Directory.Exists(Path.Combine(hooks, "sub")));
        Assert.Null(new FileInfo(Path.Combine(runner.Workspace, ".git", "info", "exclude2")).LinkTarget);
        Assert.False(File.Exists(Path.Combine(runner.Workspace, ".git", "info", "exclude2")));
        Assert.Equal(samples, Directory.EnumerateFiles(hooks).Order(StringComparer.Ordinal));
        Assert.Equal(sampleMode, File.GetUnixFileMode(samples[0]));
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(Path.Combine(runner.Workspace, ".git")), e => Path.GetFileName(e).StartsWith(".nono-restore-", StringComparison.Ordinal));
        ProcessResult status = await ProcessRunner.RunAsync("git", ["-c", "safe.directory=*", "-C", runner.Workspace, "status", "--short"], cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(status.ExitCode == 0, status.ToString());
    }

    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task NestedCheckoutAndGitdirTarget_ChangesAreSeenAndPutBack(TestUser user)
    {
        Assert.SkipUnless(user == TestUser.Current || ProcessRunner.IsRoot, "running as uid 65534 needs root");
        using ActionStep runner = new(user);
        await SetUpCheckoutsAsync(runner);

        (ProcessResult step, ProcessResult gate, _) = await runner.RunAsync(new()
        {
            ["run"] = "git -C vendor/lib config core.fsmonitor 'touch /tmp/pwned' && git -C sub2 config core.hooksPath /tmp",
        });

        Assert.Equal(1, gate.ExitCode);
        Assert.Contains("vendor/lib/.git/config", step.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("gitstore/config", step.StandardOutput, StringComparison.Ordinal);
        Assert.Equal("", await GitAsync(Path.Combine(runner.Workspace, "vendor", "lib"), "config", "--get", "core.fsmonitor"));
        Assert.Equal("", await GitAsync(Path.Combine(runner.Workspace, "sub2"), "config", "--get", "core.hooksPath"));
    }

    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task CommitsInNestedCheckouts_StillPass(TestUser user)
    {
        Assert.SkipUnless(user == TestUser.Current || ProcessRunner.IsRoot, "running as uid 65534 needs root");
        using ActionStep runner = new(user);
        await SetUpCheckoutsAsync(runner);

        (ProcessResult step, ProcessResult gate, Dictionary<string, string> outputs) = await runner.RunAsync(new()
        {
            ["run"] = "for d in vendor/lib sub2; do echo x >> $d/f && git -C $d add f && git -C $d -c user.name=a -c user.email=a@b commit -qm agent; done",
        });

        Assert.True(step.ExitCode == 0, step.ToString());
        Assert.Equal(0, gate.ExitCode);
        // The commit moved objects and refs in vendor/lib/.git, which the snapshots exclude: one excluded-path warning
        // (not an error, the gate passes); gitstore is an ordinary folder, its changes are file changes.
        Assert.Equal("1", outputs["violations"]);
        Assert.DoesNotContain("title=nono.git-control-changed", step.StandardOutput, StringComparison.Ordinal);
    }

    /// <summary>A checkout two levels down, and one whose .git is a file pointing to a separate git directory in the workspace.</summary>
    private static async Task SetUpCheckoutsAsync(ActionStep runner)
    {
        string lib = Path.Combine(runner.Workspace, "vendor", "lib");
        Directory.CreateDirectory(lib);
        await GitAsync(lib, "init", "-q");
        await GitAsync(runner.Workspace, "init", "-q", "--separate-git-dir=" + Path.Combine(runner.Workspace, "gitstore"), Path.Combine(runner.Workspace, "sub2"));
        if (runner.User == TestUser.Nobody)
        {
            await ProcessRunner.RunAsync("chown", ["-R", "65534:65534", runner.Workspace]);
        }
    }

    private static async Task<string> GitAsync(string directory, params string[] args)
    {
        ProcessResult r = await ProcessRunner.RunAsync("git", ["-c", "safe.directory=*", "-C", directory, .. args], cancellationToken: TestContext.Current.CancellationToken);
        return r.StandardOutput.Trim();
    }
}
