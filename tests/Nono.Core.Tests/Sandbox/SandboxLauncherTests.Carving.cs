using Nono.Core.Capabilities;
using Nono.Core.Diagnostics;
using Nono.Core.Sandbox;
using Nono.Testing;

namespace Nono.Core.Tests.Sandbox;

public sealed partial class SandboxLauncherTests
{
    [Theory]
    [InlineData("link")]
    [InlineData("directory")]
    public async Task Start_CarvedDirectoryOnTheWaySwappedAfterThePlan_Refused(string swap)
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TempDirectory home = new();
        using TempDirectory outside = new();
        string secret = await WriteKey(home.Combine("a", ".ssh"));
        await File.WriteAllTextAsync(home.Combine("a", "kept"), "kept-ok", ct);
        await File.WriteAllTextAsync(outside.Combine("kept"), secret, ct);
        SandboxPlan plan = PlanCarvedAround(home, home.Combine("a", ".ssh"));
        string script = $"cat {home.Combine("a", "kept")}; echo; cat {outside.Combine("kept")} || echo outside-denied";

        // Unchanged, the plan works: the sibling of the deny is readable, nothing outside the grant is.
        ProcessResult before = await SandboxRun.RunAsync(plan, SandboxRun.Sh, ["-c", script]);
        Assert.Contains("kept-ok", before.StandardOutput);
        Assert.Contains("outside-denied", before.StandardOutput);

        // Between the plan and the ruleset the directory on the way is moved away and its name taken by a link to a
        // directory outside the grant (the listed sibling "kept" would be granted there) or by another directory.
        Directory.Move(home.Combine("a"), home.Combine("a-moved"));
        if (swap == "link")
        {
            Directory.CreateSymbolicLink(home.Combine("a"), outside.Path);
        }
        else
        {
            Directory.CreateDirectory(home.Combine("a"));
            await File.WriteAllTextAsync(home.Combine("a", "kept"), secret, ct);
        }

        NonoException refused = await Assert.ThrowsAsync<NonoException>(() => SandboxRun.RunAsync(plan, SandboxRun.Sh, ["-c", script]));
        Assert.Contains($"{home.Combine("a")} changed after it was listed", refused.Message);
        Assert.DoesNotContain('\n', refused.Message);
    }

    [Fact]
    public async Task Start_SecondDenyRenamedOntoAListedSiblingAfterThePlan_NotGranted()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TempDirectory home = new();
        string secret = await WriteKey(home.Combine(".ssh"));
        Directory.CreateDirectory(home.Combine("state", "nono"));
        Directory.CreateDirectory(home.Combine("alpha"));
        await File.WriteAllTextAsync(home.Combine("alpha", "kept"), "alpha-ok", ct);
        Directory.CreateDirectory(home.Combine("beta"));

        // The first deny carves the grant; the second only removes the sibling the carving listed for it (the order
        // nono's own state directory and ~/.ssh come in with --allow ~). The second's inode is as denied as the first's.
        SandboxPlan plan = SandboxRun.Plan(SandboxRun.With(SandboxRun.Write(home.Path)) with
        {
            Denies = [new FsDeny(home.Combine("state", "nono"), "test"), new FsDeny(home.Combine(".ssh"), "test")],
        });
        Directory.Delete(home.Combine("beta"));
        Directory.Move(home.Combine(".ssh"), home.Combine("beta"));
        ProcessResult result = await SandboxRun.RunAsync(plan, SandboxRun.Sh, ["-c",
            $"cat {home.Combine("alpha", "kept")}; echo; cat {home.Combine("beta", "id_ed25519")} || echo renamed-denied"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("alpha-ok", result.StandardOutput);
        Assert.DoesNotContain(secret, result.StandardOutput);
        Assert.Contains("renamed-denied", result.StandardOutput);
    }

    [Fact]
    public async Task Start_ListedSiblingIsAHardLinkToAFileInsideTheDeniedDirectory_NotGranted()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TempDirectory home = new();
        string secret = await WriteKey(home.Combine(".ssh"));
        await Link(home.Combine(".ssh", "id_ed25519"), home.Combine("leak"));
        await File.WriteAllTextAsync(home.Combine("pair-1"), "pair-ok", ct);
        await Link(home.Combine("pair-1"), home.Combine("pair-2"));
        await File.WriteAllTextAsync(home.Combine("other"), "other-ok", ct);
        SandboxPlan plan = PlanCarvedAround(home, home.Combine(".ssh"));

        string withheld = Assert.Single(plan.Withheld);
        Assert.Contains($"not granting {home.Combine("leak")} ", withheld);
        Assert.Contains("hard link to a file inside a denied directory", withheld);
        Assert.Contains($"withheld: {withheld}", plan.Describe());
        ProcessResult result = await SandboxRun.RunAsync(plan, SandboxRun.Sh, ["-c",
            $"cat {home.Combine("other")} {home.Combine("pair-2")}; echo; cat {home.Combine("leak")} || echo leak-denied"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("other-okpair-ok", result.StandardOutput);
        Assert.Contains("leak-denied", result.StandardOutput);
        Assert.DoesNotContain(secret, result.StandardOutput);
    }

    [Fact]
    public async Task Start_ListedSiblingReplacedByAHardLinkIntoTheDeniedDirectoryAfterThePlan_NotGranted()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TempDirectory home = new();
        string secret = await WriteKey(home.Combine(".ssh"));
        await File.WriteAllTextAsync(home.Combine("victim"), "x", ct);
        await File.WriteAllTextAsync(home.Combine("pair-1"), "pair-ok", ct);
        SandboxPlan plan = PlanCarvedAround(home, home.Combine(".ssh"));
        Assert.Empty(plan.Withheld);

        // Between the plan and the ruleset a listed file becomes another name of the denied key (same kind, so only its
        // link count and identity tell), and an ordinary listed file gets a second name (it stays granted).
        await Link(home.Combine(".ssh", "id_ed25519"), home.Combine("staged"));
        File.Move(home.Combine("staged"), home.Combine("victim"), overwrite: true);
        await Link(home.Combine("pair-1"), home.Combine("pair-2"));
        ProcessResult result = await SandboxRun.RunAsync(plan, SandboxRun.Sh, ["-c",
            $"cat {home.Combine("pair-1")}; echo; cat {home.Combine("victim")} || echo victim-denied"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("pair-ok", result.StandardOutput);
        Assert.Contains("victim-denied", result.StandardOutput);
        Assert.DoesNotContain(secret, result.StandardOutput);
    }

    [Fact]
    public async Task Start_DeniedDirectoryMovedAwayAndASiblingLinkedIntoItAfterThePlan_NotGranted()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TempDirectory home = new();
        string secret = await WriteKey(home.Combine(".ssh"));
        await File.WriteAllTextAsync(home.Combine("victim"), "x", ct);
        await File.WriteAllTextAsync(home.Combine("other"), "other-ok", ct);
        SandboxPlan plan = PlanCarvedAround(home, home.Combine(".ssh"));
        Assert.Empty(plan.Withheld);

        // Between the plan and the ruleset the denied directory moves to a name that was not listed, and a listed file
        // becomes another name of the key in it: the deny's path has no tree to scan any more.
        Directory.Move(home.Combine(".ssh"), home.Combine(".ssh-moved"));
        await Link(home.Combine(".ssh-moved", "id_ed25519"), home.Combine("staged"));
        File.Move(home.Combine("staged"), home.Combine("victim"), overwrite: true);
        ProcessResult result = await SandboxRun.RunAsync(plan, SandboxRun.Sh, ["-c",
            $"cat {home.Combine("other")}; echo; cat {home.Combine("victim")} || echo victim-denied"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("other-ok", result.StandardOutput);
        Assert.Contains("victim-denied", result.StandardOutput);
        Assert.DoesNotContain(secret, result.StandardOutput);
    }

    [Fact]
    public async Task Start_DeniedTreeTooDeepToCheck_MultiplyLinkedSiblingsWithheldOthersGranted()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TempDirectory home = new();
        string deep = home.Combine(".ssh");
        for (int i = 0; i <= DeniedLinks.MaxDepth; i++)
        {
            deep = Path.Combine(deep, "d");
        }

        Directory.CreateDirectory(deep);
        await File.WriteAllTextAsync(home.Combine("pair-1"), "pair-ok", ct);
        await Link(home.Combine("pair-1"), home.Combine("pair-2"));
        await File.WriteAllTextAsync(home.Combine("other"), "other-ok", ct);
        SandboxPlan plan = PlanCarvedAround(home, home.Combine(".ssh"));

        // The walk cannot tell whether the pair links into the denied tree, so neither name is granted (and both are said).
        Assert.Equal(2, plan.Withheld.Count);
        Assert.All(plan.Withheld, line => Assert.Contains($"more than {DeniedLinks.MaxDepth} levels below a deny", line));
        ProcessResult result = await SandboxRun.RunAsync(plan, SandboxRun.Sh, ["-c",
            $"cat {home.Combine("other")}; echo; cat {home.Combine("pair-1")} || echo pair-denied"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("other-ok", result.StandardOutput);
        Assert.Contains("pair-denied", result.StandardOutput);
        Assert.DoesNotContain("pair-ok", result.StandardOutput);
    }

    /// <summary>A random key written to <paramref name="directory"/>/id_ed25519 (the directory is created).</summary>
    private static async Task<string> WriteKey(string directory)
    {
        string secret = Guid.NewGuid().ToString("N");
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "id_ed25519"), secret, TestContext.Current.CancellationToken);
        return secret;
    }

    /// <summary>A plan granting <paramref name="home"/> read-write with <paramref name="deny"/> carved out of it.</summary>
    private static SandboxPlan PlanCarvedAround(TempDirectory home, string deny) =>
        SandboxRun.Plan(SandboxRun.With(SandboxRun.Write(home.Path)) with { Denies = [new FsDeny(deny, "test")] });

    private static async Task Link(string existing, string link)
    {
        ProcessResult ln = await ProcessRunner.RunAsync("ln", [existing, link], cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(0, ln.ExitCode);
    }
}
