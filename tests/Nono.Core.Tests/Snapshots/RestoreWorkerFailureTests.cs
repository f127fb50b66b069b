using Nono.Core.Diagnostics;
using Nono.Core.Snapshots;
using Nono.Core.Snapshots.Native;
using Nono.Testing;

namespace Nono.Core.Tests.Snapshots;

/// <summary>
/// A worker that cannot read an object (here: its file in the store replaced by a directory, which the read reports as
/// an I/O error, unlike the corrupt-content cases of <see cref="RestoreSecondDecodeTests"/>) must say which file of the
/// tree the object was for, change nothing outside the restore's plan, and leave a restore that a rerun completes.
/// </summary>
public sealed class RestoreWorkerFailureTests
{
    private const int Files = 80;
    private static readonly string Victim = System.IO.Path.Combine("b", "f050.txt");

    [Fact]
    public async Task Restore_ObjectUnreadableWhenVerified_NamesFileAndObjectAndChangesNothing()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SnapshotFixture fx = new();
        Dictionary<string, byte[]> contents = SmallFileTree.Write(fx, Files, "a", "b", "keep");
        SnapshotSession session = fx.Begin(new SnapshotOptions { PackSmallObjects = false }); // loose objects, so one can be broken alone
        await session.TakeSnapshotAsync(cancellationToken: ct);
        string snapshotted = await TreeListing.CaptureAsync(fx.Root);
        Directory.Delete(fx.Path("b"), recursive: true);
        File.WriteAllText(fx.Path("keep", "f001.txt"), "changed since the snapshot");
        string before = await TreeListing.CaptureAsync(fx.Root);
        Dictionary<string, FileStatus> identities = Identities(fx.Root);
        string obj = fx.ObjectPathFor(contents[Victim]);
        byte[] original = Break(obj);

        NonoException ex;
        using (Restorer restorer = new(session, null))
        {
            ex = Assert.Throws<NonoException>(() => restorer.Restore(0, dryRun: false, ct));
        }

        AssertNamesFileAndObject(ex, obj, "refusing to restore, nothing was changed");
        Assert.Equal(before, await TreeListing.CaptureAsync(fx.Root));
        Assert.Equal(identities, Identities(fx.Root)); // not even rewritten with the same bytes

        Repair(obj, original);
        await session.RestoreAsync(0, cancellationToken: ct);
        Assert.Equal(snapshotted, await TreeListing.CaptureAsync(fx.Root));
    }

    [Fact]
    public async Task Restore_LargeObjectUnreadableWhenVerified_NamesFileAndChangesNothing()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SnapshotFixture fx = new();
        SmallFileTree.Write(fx, Files, "a");
        byte[] large = new byte[3 * Restorer.DirectLimit]; // extracted to staging in the verify phase, not kept in memory
        Random.Shared.NextBytes(large);
        Directory.CreateDirectory(fx.Path("big"));
        File.WriteAllBytes(fx.Path("big", "large.bin"), large);
        SnapshotSession session = fx.Begin(new SnapshotOptions { PackSmallObjects = false });
        await session.TakeSnapshotAsync(cancellationToken: ct);
        File.Delete(fx.Path("big", "large.bin"));
        string before = await TreeListing.CaptureAsync(fx.Root);
        string obj = fx.ObjectPathFor(large);
        Break(obj);

        NonoException ex;
        using (Restorer restorer = new(session, null))
        {
            ex = Assert.Throws<NonoException>(() => restorer.Restore(0, dryRun: false, ct));
        }

        Assert.Contains(fx.Path("big", "large.bin"), ex.Message, StringComparison.Ordinal);
        Assert.Contains("refusing to restore, nothing was changed", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.Equal(before, await TreeListing.CaptureAsync(fx.Root));
    }

    [Fact]
    public async Task Restore_DeletedRootWithUnreadableObject_LeavesTheRootAbsentAndRerunCompletes()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SnapshotFixture fx = new();
        Dictionary<string, byte[]> contents = SmallFileTree.Write(fx, Files, "a", "b");
        SnapshotSession session = fx.Begin(new SnapshotOptions { PackSmallObjects = false });
        await session.TakeSnapshotAsync(cancellationToken: ct);
        string snapshotted = await TreeListing.CaptureAsync(fx.Root);
        Directory.Delete(fx.Root, recursive: true);
        string obj = fx.ObjectPathFor(contents[Victim]);
        byte[] original = Break(obj);

        NonoException ex;
        using (Restorer restorer = new(session, null))
        {
            ex = Assert.Throws<NonoException>(() => restorer.Restore(0, dryRun: false, ct));
        }

        Assert.Contains("refusing to restore, nothing was changed", ex.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(fx.Root)); // the root is created only after every object verified

        Repair(obj, original);
        await session.RestoreAsync(0, cancellationToken: ct);
        Assert.Equal(snapshotted, await TreeListing.CaptureAsync(fx.Root));
    }

    [Fact]
    public async Task Restore_ObjectUnreadableOnSecondRead_NamesFileStopsBeforeItAndRerunCompletes()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SnapshotFixture fx = new();
        Dictionary<string, byte[]> contents = SmallFileTree.Write(fx, Files, "a", "b", "keep");
        SnapshotSession session = fx.Begin(new SnapshotOptions { PackSmallObjects = false });
        await session.TakeSnapshotAsync(cancellationToken: ct);
        string snapshotted = await TreeListing.CaptureAsync(fx.Root);
        Directory.Delete(fx.Path("a"), recursive: true);
        Directory.Delete(fx.Path("b"), recursive: true);
        Dictionary<string, FileStatus> untouched = Identities(fx.Root); // "keep" matches the snapshot: not in the plan
        string obj = fx.ObjectPathFor(contents[Victim]);
        byte[]? original = null;

        NonoException ex;
        using (Restorer restorer = new(session, null, verifiedBudget: 0) { AfterVerify = () => original = Break(obj), PoisonReleasedContent = true })
        {
            ex = Assert.Throws<NonoException>(() => restorer.Restore(0, dryRun: false, ct));
        }

        AssertNamesFileAndObject(ex, obj, $"stopped before writing {fx.Path(Victim)}");
        Assert.False(File.Exists(fx.Path(Victim)));
        Assert.Empty(Directory.EnumerateFileSystemEntries(fx.Root, ".nono-tmp-*", SearchOption.AllDirectories));
        Dictionary<string, FileStatus> after = Identities(fx.Root);
        Assert.All(untouched, pair => Assert.Equal(pair.Value, after[pair.Key]));
        string[] written = [.. after.Keys.Where(path => !untouched.ContainsKey(path) && File.Exists(System.IO.Path.Combine(fx.Root, path)))];
        Assert.NotEmpty(written); // files before the broken one in manifest order were written ...
        Assert.All(written, path => Assert.Equal(contents[path], File.ReadAllBytes(System.IO.Path.Combine(fx.Root, path)))); // ... completely

        Repair(obj, original!);
        await session.RestoreAsync(0, cancellationToken: ct);
        Assert.Equal(snapshotted, await TreeListing.CaptureAsync(fx.Root));
    }

    private static void AssertNamesFileAndObject(NonoException ex, string obj, string outcome)
    {
        string hash = System.IO.Path.GetFileName(System.IO.Path.GetDirectoryName(obj)) + System.IO.Path.GetFileName(obj);
        Assert.Equal(NonoErrorCode.Io, ex.Code);
        Assert.Contains(ex.Path!, ex.Message, StringComparison.Ordinal);
        Assert.Contains(hash[..16], ex.Message, StringComparison.Ordinal);
        Assert.Contains(outcome, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.EndsWith("/ws/b/f050.txt", ex.Path, StringComparison.Ordinal); // absolute: the file in its root
    }

    /// <summary>Replaces the object file with a directory of the same name: opening it for reading fails with an I/O error.</summary>
    private static byte[] Break(string obj)
    {
        byte[] original = File.ReadAllBytes(obj);
        File.Delete(obj);
        Directory.CreateDirectory(obj);
        return original;
    }

    private static void Repair(string obj, byte[] original)
    {
        Directory.Delete(obj);
        File.WriteAllBytes(obj, original);
    }

    /// <summary>Inode, size, mtime and ctime of every file by relative path: a file rewritten or renamed over gets a new ctime.</summary>
    private static Dictionary<string, FileStatus> Identities(string root)
    {
        Dictionary<string, FileStatus> result = [];
        foreach (string path in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            using SafeFd dir = Fs.OpenDirectory(System.IO.Path.GetDirectoryName(path)!);
            Assert.True(Fs.TryStatAt(dir, System.IO.Path.GetFileName(path), out FileStatus st, out _));
            result[System.IO.Path.GetRelativePath(root, path)] = st;
        }

        return result;
    }
}
