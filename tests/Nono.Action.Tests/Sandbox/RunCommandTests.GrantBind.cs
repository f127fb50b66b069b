using Nono.Action.Commands;
using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

/// <summary>
/// The pidns init binds each writable grant onto itself (a writable mount among read-only ones). A grant's path changed
/// after nono checked it, before the init's bind, must not make another place a writable mount: as root and as uid 65534.
/// </summary>
public sealed partial class RunCommandTests
{
    private const UnixFileMode Mode644 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>
    /// The writable grant's parent moves away and a link to a directory outside the grants takes its name once the
    /// ruleset is built, before the child starts: a bind that resolved the path again would make the link's target a
    /// writable mount, and a file there could be chmod-ed. The init reaches the grant without links and refuses instead.
    /// Without the swap the same run works (chmod inside the grant, EROFS outside).
    /// </summary>
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_Pidns_WritableGrantSwappedForALinkBeforeTheBind_Refused(TestUser user)
    {
        using NonoSandbox sb = await SandboxInAsync(user, "pidns");
        string work = sb.Home.Combine("proj", "work");
        Directory.CreateDirectory(work);
        Directory.CreateDirectory(sb.Outside.Combine("work"));
        string inside = Path.Combine(work, "inside");
        string victim = sb.Outside.Combine("work", "victim");
        foreach (string file in new[] { inside, victim })
        {
            File.WriteAllText(file, "original\n");
            File.SetUnixFileMode(file, Mode644);
        }

        await LinkAndChown(sb);
        string[] args = ["run", .. SandboxSystemPaths.CliFlags, "--allow", work, "--", NonoSandbox.Python, "-c", ReadOnlyMountProbe, $"chmod:{inside}", $"chmod:{victim}"];

        ProcessResult unchanged = await RunPausedAfterPlanAsync(sb, args, () => { }, SandboxInvocation.PauseBeforeStartVariable);
        File.SetUnixFileMode(inside, Mode644);
        ProcessResult swapped = await RunPausedAfterPlanAsync(sb, args, () =>
        {
            Directory.Move(sb.Home.Combine("proj"), sb.Home.Combine("proj-moved"));
            Directory.CreateSymbolicLink(sb.Home.Combine("proj"), sb.Outside.Path);
        }, SandboxInvocation.PauseBeforeStartVariable);

        Assert.True(unchanged.ExitCode == 0, unchanged.ToString());
        Assert.Equal(["chmod inside ok", "chmod victim EROFS"], unchanged.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.True(swapped.ExitCode == 126, swapped.ToString());
        Assert.DoesNotContain("victim ok", swapped.StandardOutput);
        Assert.Contains("nono: a writable grant changed after the plan (a component of its path is now a symbolic link); refusing to run", swapped.StandardError);
        Assert.Equal(Mode644, File.GetUnixFileMode(victim));
    }

    /// <summary>
    /// Another directory moved onto the writable grant's name (no link anywhere) before the child starts: the init finds
    /// another inode than the ruleset's and refuses, instead of making the moved-in tree a writable mount.
    /// </summary>
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_Pidns_WritableGrantReplacedByAnotherDirectoryBeforeTheBind_Refused(TestUser user)
    {
        using NonoSandbox sb = await SandboxInAsync(user, "pidns");
        string work = sb.Home.Combine("work");
        Directory.CreateDirectory(work);
        Directory.CreateDirectory(sb.Home.Combine("other"));
        string victim = sb.Home.Combine("other", "victim");
        File.WriteAllText(victim, "original\n");
        File.SetUnixFileMode(victim, Mode644);
        await LinkAndChown(sb);
        string[] args = ["run", .. SandboxSystemPaths.CliFlags, "--allow", work, "--", NonoSandbox.Python, "-c", ReadOnlyMountProbe, $"chmod:{Path.Combine(work, "victim")}"];

        ProcessResult swapped = await RunPausedAfterPlanAsync(sb, args, () =>
        {
            Directory.Move(work, sb.Home.Combine("work-moved"));
            Directory.Move(sb.Home.Combine("other"), work);
        }, SandboxInvocation.PauseBeforeStartVariable);

        Assert.True(swapped.ExitCode == 126, swapped.ToString());
        Assert.DoesNotContain("victim ok", swapped.StandardOutput);
        Assert.Contains("nono: a writable grant changed after the plan (another file or directory was moved onto its name); refusing to run", swapped.StandardError);
        Assert.Equal(Mode644, File.GetUnixFileMode(Path.Combine(work, "victim")));
    }

    /// <summary>
    /// A carved home's writable sibling file is replaced, after the plan, by a hard link to the denied key: the ruleset
    /// skips it (a denied inode), so nothing grants it, and it must not be bound writable either (chmod on it would change
    /// the key's mode: Landlock does not check chmod). It stays on the read-only mount: EROFS.
    /// </summary>
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_Pidns_SiblingReplacedByALinkToADeniedKey_NotBoundWritable(TestUser user)
    {
        using NonoSandbox sb = await SandboxInAsync(user, "pidns");
        Directory.CreateDirectory(sb.Home.Combine(".ssh")); // a mandatory deny: the home grant is carved around it
        string key = sb.Home.Combine(".ssh", "id_test");
        string notes = sb.Home.Combine("notes");
        foreach (string file in new[] { key, notes })
        {
            File.WriteAllText(file, "original\n");
            File.SetUnixFileMode(file, Mode644);
        }

        await LinkAndChown(sb);
        string[] args = ["run", .. SandboxSystemPaths.CliFlags, "--allow", sb.Home.Path, "--", NonoSandbox.Python, "-c", ReadOnlyMountProbe, $"chmod:{notes}"];

        ProcessResult unchanged = await RunPausedAfterPlanAsync(sb, args, () => { });
        File.SetUnixFileMode(notes, Mode644);
        ProcessResult swapped = await RunPausedAfterPlanAsync(sb, args, () =>
        {
            File.Delete(notes);
            using System.Diagnostics.Process ln = System.Diagnostics.Process.Start("ln", [key, notes]);
            ln.WaitForExit();
            Assert.Equal(0, ln.ExitCode);
        });

        Assert.True(unchanged.ExitCode == 0, unchanged.ToString());
        Assert.Equal(["chmod notes ok"], unchanged.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.True(swapped.ExitCode == 0, swapped.ToString());
        Assert.Equal(["chmod notes EROFS"], swapped.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(Mode644, File.GetUnixFileMode(key));
    }

    /// <summary>
    /// The binds made from descriptors keep the legitimate layouts working: several grants, one nested in another, a
    /// file grant and a carved home's siblings all take mode changes; outside them, and on the denied key, EROFS.
    /// </summary>
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_Pidns_SeveralNestedAndFileGrantsStayWritable(TestUser user)
    {
        using NonoSandbox sb = await SandboxInAsync(user, "pidns");
        Directory.CreateDirectory(sb.Home.Combine(".ssh"));
        Directory.CreateDirectory(sb.Home.Combine("work"));
        Directory.CreateDirectory(sb.Outside.Combine("a", "b"));
        Directory.CreateDirectory(sb.Outside.Combine("c"));
        string[] writable = [sb.Home.Combine("work", "x"), sb.Outside.Combine("a", "x"), sb.Outside.Combine("a", "b", "x"), sb.Outside.Combine("c", "x"), sb.Outside.Combine("f")];
        string[] readOnly = [sb.Outside.Combine("victim"), sb.Home.Combine(".ssh", "id_test")];
        foreach (string file in writable.Concat(readOnly))
        {
            File.WriteAllText(file, "original\n");
            File.SetUnixFileMode(file, Mode644);
        }

        await LinkAndChown(sb);
        string[] grants = ["--allow", sb.Home.Path, "--allow", sb.Outside.Combine("a"), "--allow", sb.Outside.Combine("a", "b"), "--allow", sb.Outside.Combine("c"), "--allow-file", sb.Outside.Combine("f")];

        ProcessResult run = await sb.SandboxedAsync("run", grants, [NonoSandbox.Python, "-c", ReadOnlyMountProbe, .. writable.Concat(readOnly).Select(f => $"chmod:{f}")]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(
            ["chmod x ok", "chmod x ok", "chmod x ok", "chmod x ok", "chmod f ok", "chmod victim EROFS", "chmod id_test EROFS"],
            run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.All(readOnly, f => Assert.Equal(Mode644, File.GetUnixFileMode(f)));
    }
}
