using System.Text.Json;
using Nono.Action.Tests.Sandbox;
using Nono.Core.Snapshots;
using Nono.Testing;

namespace Nono.Action.Tests.Snapshots;

/// <summary>
/// <c>nono run --rollback</c> then <c>nono rollback restore</c>, as root and as uid 65534 (hosted runners are not
/// root), each with its own state directory and a workspace it owns, in separate processes as a user runs them.
/// </summary>
public sealed class RestoreEndToEndTests
{
    /// <summary>Deletes, modifies (content and mode), creates files, creates and removes directories.</summary>
    private const string Mutate =
        "rm lib/a.txt big/shared-1.bin; echo changed >> src/main.c; chmod 600 scripts/run.sh; chmod 700 lib; " +
        "echo new > created.txt; mkdir -p newdir/x && echo y > newdir/x/y; rm -rf docs; ln -sf elsewhere link; " +
        "printf x | dd of=big/large.bin bs=1 seek=300000 conv=notrunc 2>/dev/null";

    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task RunRollbackThenRestore_TreeChangedEveryWay_IdenticalByteForByteAndModeForMode(TestUser user)
    {
        using NonoSandbox sb = new(user);
        sb.Environment.Remove("NONO_PROFILE");
        sb.Environment["XDG_STATE_HOME"] = sb.Home.Combine("state");
        using TempDirectory work = new("nono-restore-e2e-");
        WriteTree(work.Path);
        if (user == TestUser.Nobody)
        {
            Assert.Equal(0, (await ProcessRunner.RunAsync("chown", ["-R", "65534:65534", work.Path], cancellationToken: TestContext.Current.CancellationToken)).ExitCode);
        }

        string baseline = await TreeListing.CaptureAsync(work.Path);

        ProcessResult run = await sb.RunAsync("run", "--rollback", "--workdir", work.Path, "--allow-cwd", "--", "/bin/sh", "-c", Mutate);
        string changed = await TreeListing.CaptureAsync(work.Path);
        ProcessResult list = await sb.RunAsync("rollback", "list", "--json");
        string id = JsonDocument.Parse(list.StandardOutput).RootElement[0].GetProperty("id").GetString()!;
        ProcessResult restore = await sb.RunAsync("rollback", "restore", id);
        string restored = await TreeListing.CaptureAsync(work.Path);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.NotEqual(baseline, changed);
        Assert.Contains("created.txt", changed, StringComparison.Ordinal);
        Assert.True(restore.ExitCode == 0, restore.ToString());
        Assert.StartsWith($"restored session {id} to snapshot 0: ", restore.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(baseline, restored); // names, types, modes, sizes, SHA-256 of every file, link targets; no temp name left
        ProcessResult owners = await ProcessRunner.RunAsync("find", [work.Path, "-mindepth", "1", "-printf", "%U\\n"], cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal([user == TestUser.Nobody ? $"{ProcessRunner.NobodyId}" : "0"], owners.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Distinct());
    }

    /// <summary>
    /// The temp-name fallback after a failed link of an unnamed file: /proc/self/fd of the restoring process is an empty
    /// tmpfs (a mount namespace; the shell mounts over its own pid's fd directory and execs nono, keeping the pid), and
    /// the /proc link route is forced, as it is taken without CAP_DAC_READ_SEARCH on older kernels. Seen by strace: the
    /// link through /proc fails with ENOENT, the files are renamed in from temp names, and the tree ends identical with
    /// no temp name left. Without the mask the same route links every new file (the legitimate side).
    /// </summary>
    [Theory]
    [InlineData(TestUser.Current, true)]
    [InlineData(TestUser.Nobody, true)]
    [InlineData(TestUser.Nobody, false)]
    public async Task Restore_ProcLinkRouteFails_CompletesThroughTempNamesAndLeavesNone(TestUser user, bool procMasked)
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        Assert.SkipUnless(ProcessRunner.IsRoot, "needs root for a mount namespace");
        using TempDirectory temp = new("nono-proclink-");
        File.SetUnixFileMode(temp.Path, (UnixFileMode)0b111_101_101);
        string root = temp.Combine("ws");
        string state = temp.Combine("state");
        Directory.CreateDirectory(root);
        Directory.CreateDirectory(state);
        WriteTree(root);
        if (user == TestUser.Nobody)
        {
            Assert.Equal(0, (await ProcessRunner.RunAsync("chown", ["-R", "65534:65534", root, state], cancellationToken: ct)).ExitCode);
        }

        Dictionary<string, string> env = new(StringComparer.Ordinal)
        {
            ["XDG_STATE_HOME"] = state,
            ["PATH"] = "/usr/local/bin:/usr/bin:/bin",
            ["DOTNET_ROOT"] = Path.GetFullPath(Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..")),
            ["HOME"] = state,
            ["CI"] = "true",
            [RestoreTestHooks.ProcLinkVariable] = "1",
        };
        string baseline = await TreeListing.CaptureAsync(root);
        ProcessResult snap = await ProcessRunner.RunAsync(NonoExecutable.Path, ["session", "snapshot", "--session", "s", root], user, env, cancellationToken: ct);
        Assert.True(snap.ExitCode == 0, snap.ToString());
        Assert.Equal(0, (await ProcessRunner.RunAsync("/bin/sh", ["-c", Mutate], user, env, root, cancellationToken: ct)).ExitCode);

        string trace = temp.Combine("restore.strace");
        string setpriv = user == TestUser.Nobody ? "setpriv --reuid=65534 --regid=65534 --clear-groups -- " : "";
        string mask = procMasked ? "mount -t tmpfs -o mode=555 nono-test /proc/$$/fd && " : "";
        ProcessResult restore = await ProcessRunner.RunAsync(
            "unshare",
            ["-m", "--propagation", "private", "--", "strace", "-ff", "-qq", "-e", "trace=linkat,renameat,renameat2", "-o", trace,
                "/bin/sh", "-c", $"{mask}exec {setpriv}\"$0\" rollback restore s", NonoExecutable.Path],
            TestUser.Current, env, temp.Path, cancellationToken: ct);
        string[] calls = [.. Directory.EnumerateFiles(temp.Path, "restore.strace.*").SelectMany(File.ReadAllLines).Select(StraceLine)]; // one file per thread: no call split by another's

        Assert.True(restore.ExitCode == 0, restore.ToString());
        Assert.Equal(baseline, await TreeListing.CaptureAsync(root)); // byte for byte, mode for mode, no temp name left
        string[] procLinks = [.. calls.Where(c => c.Contains("linkat(AT_FDCWD, \"/proc/self/fd/", StringComparison.Ordinal))];
        Assert.NotEmpty(procLinks);
        Assert.DoesNotContain(calls, c => c.Contains("AT_EMPTY_PATH", StringComparison.Ordinal)); // the forced route only
        if (procMasked)
        {
            Assert.EndsWith("= -1 ENOENT (No such file or directory)", Assert.Single(procLinks), StringComparison.Ordinal); // the first failure turns unnamed files off for the process
            Assert.All(s_freedNames, name => Assert.Contains(calls, c => IsRenameFromTemp(c, name)));
        }
        else
        {
            Assert.All(s_freedNames, name => Assert.Contains(procLinks, c => c.Contains($", \"{name}\", ", StringComparison.Ordinal) && c.EndsWith(") = 0", StringComparison.Ordinal)));
            Assert.All(s_freedNames, name => Assert.DoesNotContain(calls, c => IsRenameFromTemp(c, name)));
        }
    }

    /// <summary>An strace line with the padding before its result collapsed: <c>call(...) = 0</c>.</summary>
    internal static string StraceLine(string line) => System.Text.RegularExpressions.Regex.Replace(line, @"\s+= ", " = ");

    private static bool IsRenameFromTemp(string call, string name) =>
        call.StartsWith("renameat", StringComparison.Ordinal) && call.Contains("\".nono-tmp-", StringComparison.Ordinal) && call.Contains($", \"{name}\"", StringComparison.Ordinal) && call.EndsWith(") = 0", StringComparison.Ordinal);

    /// <summary>Restore's limit for content written straight from memory; larger content goes through its staging area.</summary>
    private const int DirectLimit = 256 * 1024;

    /// <summary>Small files the mutation removes: their names are free when the restore plans, so they take the unnamed-file path.</summary>
    private static readonly string[] s_freedNames = ["a.txt", "guide.md", "notes.txt"];

    private static void WriteTree(string root)
    {
        foreach (string dir in new[] { "src", "lib", "scripts", "docs/deep", "big", "empty" })
        {
            Directory.CreateDirectory(Path.Combine(root, dir));
        }

        Write(root, "src/main.c", "int main(void) { return 0; }\n", 0b110_100_100);
        Write(root, "lib/a.txt", "alpha\n", 0b110_100_000);
        Write(root, "lib/b.txt", "beta\n", 0b110_000_000);
        Write(root, "scripts/run.sh", "#!/bin/sh\necho run\n", 0b111_101_101);
        Write(root, "docs/guide.md", "# guide\n", 0b110_110_100);
        Write(root, "docs/deep/notes.txt", "notes\n", 0b100_100_100);
        byte[] large = [.. Enumerable.Range(0, 3 * DirectLimit).Select(i => (byte)(i * 31 + 7))];
        File.WriteAllBytes(Path.Combine(root, "big", "large.bin"), large); // beyond the direct limit: staged
        File.WriteAllBytes(Path.Combine(root, "big", "shared-1.bin"), large[..(DirectLimit + 1)]);
        File.WriteAllBytes(Path.Combine(root, "big", "shared-2.bin"), large[..(DirectLimit + 1)]); // the same large content twice: copied from the staging area
        File.SetUnixFileMode(Path.Combine(root, "docs"), (UnixFileMode)0b111_101_000);
        File.CreateSymbolicLink(Path.Combine(root, "link"), "src/main.c");
    }

    private static void Write(string root, string relative, string content, int mode)
    {
        string path = Path.Combine(root, relative);
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, (UnixFileMode)mode);
    }
}
