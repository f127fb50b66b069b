using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

/// <summary>A grant swapped for a link between the plan and the ruleset (review S6): as root and as uid 65534.</summary>
public sealed partial class RunCommandTests
{
    /// <summary>
    /// The planned grant's parent directory is moved away and a link to a directory holding a secret takes its name
    /// while nono waits after the plan: a rule opened by following links would grant the secret directory.
    /// </summary>
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_GrantSwappedForALinkAfterThePlan_Refused(TestUser user)
    {
        using NonoSandbox sb = new(user);
        string secret = Guid.NewGuid().ToString("N");
        string work = sb.Home.Combine("proj", "work");
        Directory.CreateDirectory(work);
        File.WriteAllText(Path.Combine(work, "notes"), "notes-ok");
        Directory.CreateDirectory(sb.Outside.Combine("work"));
        File.WriteAllText(sb.Outside.Combine("work", "notes"), secret);
        await LinkAndChown(sb);
        string[] args = ["run", .. SandboxSystemPaths.CliFlags, "--read", work, "--", "/bin/cat", Path.Combine(work, "notes")];

        ProcessResult unchanged = await RunPausedAfterPlanAsync(sb, args, () => { });
        ProcessResult swapped = await RunPausedAfterPlanAsync(sb, args, () =>
        {
            Directory.Move(sb.Home.Combine("proj"), sb.Home.Combine("proj-moved"));
            Directory.CreateSymbolicLink(sb.Home.Combine("proj"), sb.Outside.Path);
        });

        Assert.True(unchanged.ExitCode == 0, unchanged.ToString());
        Assert.Contains("notes-ok", unchanged.StandardOutput);
        Assert.NotEqual(0, swapped.ExitCode);
        Assert.DoesNotContain(secret, swapped.StandardOutput);
        Assert.Contains($"nono: {work} changed after the plan (a component of its path is now a symbolic link)", swapped.StandardError);
    }

    /// <summary>Another directory moved onto a planned grant's name after the plan (no link anywhere) is refused too.</summary>
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_GrantReplacedByAnotherDirectoryAfterThePlan_Refused(TestUser user)
    {
        using NonoSandbox sb = new(user);
        string secret = Guid.NewGuid().ToString("N");
        string work = sb.Home.Combine("work");
        Directory.CreateDirectory(work);
        File.WriteAllText(Path.Combine(work, "notes"), "notes-ok");
        Directory.CreateDirectory(sb.Home.Combine("other"));
        File.WriteAllText(sb.Home.Combine("other", "notes"), secret);
        await LinkAndChown(sb);
        string[] args = ["run", .. SandboxSystemPaths.CliFlags, "--read", work, "--", "/bin/cat", Path.Combine(work, "notes")];

        ProcessResult swapped = await RunPausedAfterPlanAsync(sb, args, () =>
        {
            Directory.Move(work, sb.Home.Combine("work-moved"));
            Directory.Move(sb.Home.Combine("other"), work);
        });

        Assert.NotEqual(0, swapped.ExitCode);
        Assert.DoesNotContain(secret, swapped.StandardOutput);
        Assert.Contains($"nono: {work} changed after the plan (another file or directory was moved onto its name)", swapped.StandardError);
    }
}
