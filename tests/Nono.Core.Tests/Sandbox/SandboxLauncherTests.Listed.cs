using Nono.Core.Capabilities;
using Nono.Core.Sandbox;
using Nono.Testing;

namespace Nono.Core.Tests.Sandbox;

public sealed partial class SandboxLauncherTests
{
    [Fact]
    public async Task Start_CarvedSiblingsChangedAfterThePlan_GoneOnesSkippedChangedOnesNotGranted()
    {
        using TempDirectory home = new();
        string secret = Guid.NewGuid().ToString("N");
        Directory.CreateDirectory(home.Combine(".ssh"));
        await File.WriteAllTextAsync(home.Combine(".ssh", "id_ed25519"), secret, TestContext.Current.CancellationToken);
        Directory.CreateDirectory(home.Combine("gone"));
        Directory.CreateDirectory(home.Combine("swapped"));
        await File.WriteAllTextAsync(home.Combine("file"), "x", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(home.Combine("kept"), "kept-ok", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(home.Combine("became-dir"), "x", TestContext.Current.CancellationToken);
        SandboxPlan plan = SandboxRun.Plan(SandboxRun.With(SandboxRun.Write(home.Path)) with
        {
            Denies = [new FsDeny(home.Combine(".ssh"), "test")],
        });

        // Between the listing and the ruleset: one sibling removed, a directory and a file each replaced by a link to the
        // deny, and a file replaced by a directory (a file rule on it would allow reading and writing the files inside).
        Directory.Delete(home.Combine("gone"));
        Directory.Delete(home.Combine("swapped"));
        Directory.CreateSymbolicLink(home.Combine("swapped"), home.Combine(".ssh"));
        File.Delete(home.Combine("file"));
        Directory.CreateSymbolicLink(home.Combine("file"), home.Combine(".ssh"));
        File.Delete(home.Combine("became-dir"));
        Directory.CreateDirectory(home.Combine("became-dir"));
        await File.WriteAllTextAsync(home.Combine("became-dir", "inside"), secret, TestContext.Current.CancellationToken);
        ProcessResult result = await SandboxRun.RunAsync(plan, SandboxRun.Sh, ["-c",
            $"cat {home.Combine("kept")}; echo; cat {home.Combine("swapped", "id_ed25519")} || echo swapped-denied; " +
            $"cat {home.Combine("file", "id_ed25519")} || echo file-denied; cat {home.Combine("became-dir", "inside")} || echo dir-denied"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("kept-ok", result.StandardOutput);
        Assert.DoesNotContain(secret, result.StandardOutput);
        Assert.Contains("swapped-denied", result.StandardOutput);
        Assert.Contains("file-denied", result.StandardOutput);
        Assert.Contains("dir-denied", result.StandardOutput);
    }

    [Fact]
    public async Task Start_DenyRenamedOntoAListedSiblingAfterThePlan_NotGranted()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TempDirectory home = new();
        string secret = Guid.NewGuid().ToString("N");
        Directory.CreateDirectory(home.Combine(".ssh"));
        await File.WriteAllTextAsync(home.Combine(".ssh", "id_ed25519"), secret, ct);
        Directory.CreateDirectory(home.Combine("alpha"));
        await File.WriteAllTextAsync(home.Combine("alpha", "kept"), "alpha-ok", ct);
        Directory.CreateDirectory(home.Combine("beta"));
        SandboxPlan plan = SandboxRun.Plan(SandboxRun.With(SandboxRun.Write(home.Path)) with
        {
            Denies = [new FsDeny(home.Combine(".ssh"), "test")],
        });

        // Between the listing and the ruleset the deny takes the name of a listed directory: same kind, so only its
        // identity tells it apart (Landlock would attach the sibling's rule to the deny's inode).
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
    public async Task Start_ListedSiblingIsAHardLinkToTheDeniedFile_NeitherNameGranted()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TempDirectory home = new();
        string secret = Guid.NewGuid().ToString("N");
        await File.WriteAllTextAsync(home.Combine("shadow"), secret, ct);
        Assert.Equal(0, (await ProcessRunner.RunAsync("ln", [home.Combine("shadow"), home.Combine("alias")], cancellationToken: ct)).ExitCode);
        await File.WriteAllTextAsync(home.Combine("other"), "other-ok", ct);
        SandboxPlan plan = SandboxRun.Plan(SandboxRun.With(SandboxRun.Write(home.Path)) with
        {
            Denies = [new FsDeny(home.Combine("shadow"), "test")],
        });

        ProcessResult result = await SandboxRun.RunAsync(plan, SandboxRun.Sh, ["-c",
            $"cat {home.Combine("other")}; echo; cat {home.Combine("alias")} || echo alias-denied; cat {home.Combine("shadow")} || echo deny-denied"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("other-ok", result.StandardOutput);
        Assert.DoesNotContain(secret, result.StandardOutput);
        Assert.Contains("alias-denied", result.StandardOutput);
        Assert.Contains("deny-denied", result.StandardOutput);
    }
}
