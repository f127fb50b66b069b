using System.Text.Json;
using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

/// <summary><c>nono run --rollback</c> covers a writable file grant outside the working directory as a single-file root.</summary>
public sealed class RollbackFileGrantTests
{
    [Theory]
    [InlineData(TestUser.Current, "--allow-file")]
    [InlineData(TestUser.Nobody, "--write-file")]
    public async Task Run_RollbackWithFileGrant_RecordsTheFileAndRestoresItEvenAfterDeletion(TestUser user, string flag)
    {
        using NonoSandbox sb = new(user);
        sb.Environment.Remove("NONO_PROFILE");
        using TempDirectory work = new("nono-work-");
        File.WriteAllText(Path.Combine(work.Path, "app.py"), "print('a')\n");
        string granted = sb.Outside.Combine("settings.conf");
        string sibling = sb.Outside.Combine("sibling.conf");
        File.WriteAllText(granted, "original=1\n");
        File.WriteAllText(sibling, "untouched\n");
        if (user == TestUser.Nobody)
        {
            await ProcessRunner.RunAsync("chown", ["-R", "65534:65534", work.Path, sb.Outside.Path], cancellationToken: TestContext.Current.CancellationToken);
        }

        ProcessResult run = await sb.RunAsync("run", "--rollback", "--workdir", work.Path, "--allow-cwd", flag, granted, "--", "/bin/sh", "-c",
            $"echo 'changed=2' > '{granted}'; echo \"print('b')\" > app.py");
        string afterRun = File.ReadAllText(granted);
        ProcessResult list = await sb.RunAsync("audit", "list", "--json");
        string id = JsonDocument.Parse(list.StandardOutput).RootElement[0].GetProperty("session_id").GetString()!;
        ProcessResult show = await sb.RunAsync("rollback", "show", id, "--json");
        ProcessResult diff = await sb.RunAsync("rollback", "show", id, "--diff");
        File.Delete(granted);
        File.WriteAllText(sibling, "edited by the user\n");
        ProcessResult restore = await sb.RunAsync("rollback", "restore", id);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("changed=2\n", afterRun);
        Assert.True(diff.ExitCode == 0, diff.ToString());
        using JsonDocument report = JsonDocument.Parse(show.StandardOutput);
        string[] roots = [.. report.RootElement.GetProperty("session").GetProperty("roots").EnumerateArray().Select(r => r.GetString()!)];
        Assert.Contains(granted, roots);
        Assert.Contains("+changed=2", diff.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("sibling.conf", diff.StandardOutput, StringComparison.Ordinal);
        Assert.True(restore.ExitCode == 0, restore.ToString());
        Assert.Equal("original=1\n", File.ReadAllText(granted));
        Assert.Equal("edited by the user\n", File.ReadAllText(sibling));
        Assert.Equal("print('a')\n", File.ReadAllText(Path.Combine(work.Path, "app.py")));
    }
}
