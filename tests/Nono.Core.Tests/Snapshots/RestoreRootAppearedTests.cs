using Nono.Core.Diagnostics;
using Nono.Core.Snapshots;
using Nono.Testing;

namespace Nono.Core.Tests.Snapshots;

/// <summary>
/// The tree's last writer may outlive the sandboxed command (a daemon it left behind). Between the restore's plan and its
/// apply (the <see cref="Restorer.AfterVerify"/> hook) it creates a root that was missing, and so was planned from an
/// empty scan, or replaces a root that was there. The restore must refuse with nothing changed, and a rerun must bring
/// the tree back exactly.
/// </summary>
public sealed class RestoreRootAppearedTests
{
    [Fact]
    public async Task Restore_MissingRootCreatedAndFilledAfterThePlan_RefusesChangesNothingAndRerunRemovesThePlantedFiles()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SnapshotFixture fx = new();
        SmallFileTree.Write(fx, 20, "a", "b");
        SnapshotSession session = fx.Begin();
        await session.TakeSnapshotAsync(cancellationToken: ct);
        string snapshotted = await TreeListing.CaptureAsync(fx.Root);
        Directory.Delete(fx.Root, recursive: true);
        string? planted = null;

        NonoException ex;
        using (Restorer restorer = new(session, null) { AfterVerify = () => planted = Plant(fx.Root) })
        {
            ex = Assert.Throws<NonoException>(() => restorer.Restore(0, dryRun: false, ct));
        }

        AssertRefusal(ex, fx.Root, "was missing when the restore was planned");
        Assert.Equal(planted, await TreeListing.CaptureAsync(fx.Root)); // not even the snapshot's files were added

        await session.RestoreAsync(0, cancellationToken: ct);
        Assert.Equal(snapshotted, await TreeListing.CaptureAsync(fx.Root)); // the planted files are gone
    }

    [Fact]
    public async Task Restore_MissingRootCreatedAsSymlinkAfterThePlan_RefusesAndTheTargetIsUntouched()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SnapshotFixture fx = new();
        SmallFileTree.Write(fx, 20, "a");
        SnapshotSession session = fx.Begin();
        await session.TakeSnapshotAsync(cancellationToken: ct);
        Directory.Delete(fx.Root, recursive: true);
        Directory.CreateDirectory(fx.Outside);
        File.WriteAllText(Path.Combine(fx.Outside, "keep.txt"), "outside the root");
        string outside = await TreeListing.CaptureAsync(fx.Outside);

        NonoException ex;
        using (Restorer restorer = new(session, null) { AfterVerify = () => File.CreateSymbolicLink(fx.Root, fx.Outside) })
        {
            ex = Assert.Throws<NonoException>(() => restorer.Restore(0, dryRun: false, ct));
        }

        AssertRefusal(ex, fx.Root, "was missing when the restore was planned");
        Assert.Equal(outside, await TreeListing.CaptureAsync(fx.Outside));
        Assert.Equal(fx.Outside, new FileInfo(fx.Root).LinkTarget);
    }

    [Fact]
    public async Task Restore_TwoMissingRootsTheSecondCreatedAfterThePlan_RefusesAndLeavesTheFirstAbsent()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SnapshotFixture fx = new();
        string second = Path.Combine(Path.GetDirectoryName(fx.Root)!, "ws2");
        SmallFileTree.Write(fx, 10, "a");
        Directory.CreateDirectory(second);
        File.WriteAllText(Path.Combine(second, "s.txt"), "second root");
        SnapshotSession session = SnapshotSession.Begin(fx.Store, "two", [fx.Root, second], new SnapshotOptions());
        await session.TakeSnapshotAsync(cancellationToken: ct);
        Directory.Delete(fx.Root, recursive: true);
        Directory.Delete(second, recursive: true);

        NonoException ex;
        using (Restorer restorer = new(session, null) { AfterVerify = () => Plant(second) })
        {
            ex = Assert.Throws<NonoException>(() => restorer.Restore(0, dryRun: false, ct));
        }

        AssertRefusal(ex, second, "was missing when the restore was planned");
        Assert.False(Directory.Exists(fx.Root)); // nothing was changed: the first root was not created either

        await session.RestoreAsync(0, cancellationToken: ct);
        Assert.Equal(["s.txt"], Directory.EnumerateFileSystemEntries(second).Select(Path.GetFileName));
        Assert.True(File.Exists(fx.Path("a", "f000.txt")));
    }

    [Fact]
    public async Task Restore_RootReplacedAfterThePlan_RefusesAndRerunRestoresTheNewRoot()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SnapshotFixture fx = new();
        SmallFileTree.Write(fx, 20, "a");
        SnapshotSession session = fx.Begin();
        await session.TakeSnapshotAsync(cancellationToken: ct);
        string snapshotted = await TreeListing.CaptureAsync(fx.Root);
        File.Delete(fx.Path("a", "f003.txt"));
        string moved = fx.Root + ".moved";
        string movedBefore = await TreeListing.CaptureAsync(fx.Root);
        string? planted = null;

        NonoException ex;
        using (Restorer restorer = new(session, null) { AfterVerify = () => { Directory.Move(fx.Root, moved); planted = Plant(fx.Root); } })
        {
            ex = Assert.Throws<NonoException>(() => restorer.Restore(0, dryRun: false, ct));
        }

        AssertRefusal(ex, fx.Root, "was moved or replaced after the restore was planned");
        Assert.Equal(planted, await TreeListing.CaptureAsync(fx.Root));
        Assert.Equal(movedBefore, await TreeListing.CaptureAsync(moved)); // the plan's root, moved away, was not written either

        await session.RestoreAsync(0, cancellationToken: ct);
        Assert.Equal(snapshotted, await TreeListing.CaptureAsync(fx.Root));
    }

    private static void AssertRefusal(NonoException ex, string root, string what)
    {
        Assert.Contains($"the root {root} {what}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("refusing to restore, nothing was changed", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    /// <summary>What another process leaves at a root: a file the snapshot never had and a changed one; returns the listing.</summary>
    private static string Plant(string root)
    {
        Directory.CreateDirectory(Path.Combine(root, "a"));
        File.WriteAllText(Path.Combine(root, "planted.sh"), "#!/bin/sh\necho planted\n");
        File.WriteAllText(Path.Combine(root, "a", "f000.txt"), "not the snapshot's content");
        return TreeListing.CaptureAsync(root).GetAwaiter().GetResult();
    }
}
