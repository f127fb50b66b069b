using Nono.Testing;

namespace Nono.Action.Tests.Snapshots;

/// <summary>
/// <c>nono rollback restore</c> as uid 65534 with two roots deleted since the snapshot: <c>w/deep/a</c> (its parent
/// <c>w</c> is 65534's) and <c>locked/b</c>. With <c>locked</c> root's and not writable, the second mkdir fails with a
/// real EACCES after the first root and its missing parent were made, and the restore takes them back with
/// unlinkat(parent, name, AT_REMOVEDIR) (seen by strace); with <c>locked</c> 65534's, both roots are restored.
/// </summary>
public sealed class RestoreTakeBackAsNobodyTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Restore_SecondRootsParentNotWritable_TakesBackTheFirstRootOtherwiseRestoresBoth(bool parentWritable)
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        Assert.SkipUnless(ProcessRunner.IsRoot, "running as nobody needs root");
        using TempDirectory temp = new("nono-takeback-");
        File.SetUnixFileMode(temp.Path, (UnixFileMode)0b111_101_101);
        string first = temp.Combine("w", "deep", "a");
        string second = temp.Combine("locked", "b");
        string state = temp.Combine("state");
        Directory.CreateDirectory(first);
        Directory.CreateDirectory(second);
        Directory.CreateDirectory(state);
        File.WriteAllText(Path.Combine(first, "one.txt"), "first root\n");
        File.WriteAllText(Path.Combine(second, "two.txt"), "second root\n");
        Assert.Equal(0, (await ProcessRunner.RunAsync("chown", ["-R", "65534:65534", temp.Combine("w"), second, state], cancellationToken: ct)).ExitCode);
        Dictionary<string, string> env = new(StringComparer.Ordinal)
        {
            ["XDG_STATE_HOME"] = state,
            ["PATH"] = "/usr/local/bin:/usr/bin:/bin",
            ["DOTNET_ROOT"] = Path.GetFullPath(Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..")),
            ["HOME"] = state,
            ["CI"] = "true",
        };
        string firstBaseline = await TreeListing.CaptureAsync(first);
        string secondBaseline = await TreeListing.CaptureAsync(second);
        ProcessResult snap = await ProcessRunner.RunAsync(NonoExecutable.Path, ["session", "snapshot", "--session", "s", first, second], TestUser.Nobody, env, cancellationToken: ct);
        Assert.True(snap.ExitCode == 0, snap.ToString());
        Directory.Delete(temp.Combine("w", "deep"), recursive: true);
        Directory.Delete(second, recursive: true);
        if (parentWritable)
        {
            Assert.Equal(0, (await ProcessRunner.RunAsync("chown", ["65534:65534", temp.Combine("locked")], cancellationToken: ct)).ExitCode);
        }

        string trace = temp.Combine("restore.strace");
        ProcessResult restore = await ProcessRunner.RunAsync(
            "strace", ["-ff", "-qq", "-e", "trace=mkdirat,unlinkat,rmdir", "-o", trace, "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--", NonoExecutable.Path, "rollback", "restore", "s"],
            TestUser.Current, env, temp.Path, cancellationToken: ct);
        string[] calls = [.. Directory.EnumerateFiles(temp.Path, "restore.strace.*").SelectMany(File.ReadAllLines).Select(RestoreEndToEndTests.StraceLine)];

        Assert.Contains(calls, c => c.StartsWith("mkdirat(", StringComparison.Ordinal) && c.EndsWith(", \"deep\", 0777) = 0", StringComparison.Ordinal));
        Assert.Contains(calls, c => c.StartsWith("mkdirat(", StringComparison.Ordinal) && c.EndsWith(", \"a\", 0777) = 0", StringComparison.Ordinal)); // the first root was made before the second was tried
        if (parentWritable)
        {
            Assert.True(restore.ExitCode == 0, restore.ToString());
            Assert.Equal(firstBaseline, await TreeListing.CaptureAsync(first));
            Assert.Equal(secondBaseline, await TreeListing.CaptureAsync(second));
            Assert.DoesNotContain(calls, c => c.Contains("AT_REMOVEDIR", StringComparison.Ordinal));
        }
        else
        {
            Assert.Equal(1, restore.ExitCode);
            Assert.Equal($"nono: mkdirat {second}: Permission denied\n", restore.StandardError);
            Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Combine("w"))); // the root and its missing parent are gone again
            Assert.Contains(calls, c => c.StartsWith("unlinkat(", StringComparison.Ordinal) && c.EndsWith(", \"a\", AT_REMOVEDIR) = 0", StringComparison.Ordinal));
            Assert.Contains(calls, c => c.StartsWith("unlinkat(", StringComparison.Ordinal) && c.EndsWith(", \"deep\", AT_REMOVEDIR) = 0", StringComparison.Ordinal));
            Assert.DoesNotContain(calls, c => c.StartsWith($"rmdir(\"{temp.Combine("w")}", StringComparison.Ordinal)); // never by path
        }
    }
}
