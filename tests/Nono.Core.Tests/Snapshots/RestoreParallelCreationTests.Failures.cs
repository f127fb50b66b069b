using Nono.Core.Diagnostics;
using Nono.Core.Snapshots;
using Nono.Testing;

namespace Nono.Core.Tests.Snapshots;

/// <summary>Failures and attacks while several threads create: one thread's refusal stops all, and nothing leaves the root.</summary>
public sealed partial class RestoreParallelCreationTests
{
    private static readonly string[] s_directories = ["a", "b", "c", "d", "e", "f"];

    [Fact]
    public async Task Restore_ParentSwappedForSymlinkWhileOthersCreate_RefusesNamesItAndNothingReachesOutside()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SnapshotFixture fx = new();
        SmallFileTree.Write(fx, 20, s_directories);
        SnapshotSession session = fx.Begin();
        await session.TakeSnapshotAsync(cancellationToken: ct);
        string snapshotted = await TreeListing.CaptureAsync(fx.Root);
        foreach (string dir in s_directories)
        {
            foreach (string file in Directory.GetFiles(fx.Path(dir)))
            {
                File.Delete(file); // every directory stays and gets all its files back: one chunk per directory
            }
        }

        Directory.CreateDirectory(fx.Outside);
        string outside = await TreeListing.CaptureAsync(fx.Outside);

        NonoException ex;
        using (Restorer restorer = new(session, null) { Creators = Threads, MinChunk = 5, AfterVerify = () => SwapForSymlink(fx.Path("d"), fx.Outside) })
        {
            ex = Assert.Throws<NonoException>(() => restorer.Restore(0, dryRun: false, ct));
        }

        Assert.Contains($"cannot open {fx.Path("d")} inside the root {fx.Root}", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.Equal(outside, await TreeListing.CaptureAsync(fx.Outside));
        Assert.Empty(Directory.EnumerateFileSystemEntries(fx.Root, ".nono-tmp-*", SearchOption.AllDirectories));

        await session.RestoreAsync(0, cancellationToken: ct); // the rerun removes the symlink and the moved directory

        Assert.Equal(snapshotted, await TreeListing.CaptureAsync(fx.Root));
        Assert.Equal(outside, await TreeListing.CaptureAsync(fx.Outside));
    }

    [Fact]
    public async Task Restore_ObjectCorruptedAfterVerificationWhileOthersCreate_StopsAllWithoutPartialFileAndRerunCompletes()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SnapshotFixture fx = new();
        Dictionary<string, byte[]> contents = SmallFileTree.Write(fx, 30, s_directories);
        SnapshotSession session = fx.Begin(new SnapshotOptions { PackSmallObjects = false }); // loose objects, so one can be damaged alone
        await session.TakeSnapshotAsync(cancellationToken: ct);
        string snapshotted = await TreeListing.CaptureAsync(fx.Root);
        Directory.Delete(fx.Root, recursive: true);
        string victim = Path.Combine("c", "f020.txt");
        string obj = fx.ObjectPathFor(contents[victim]);
        byte[] original = File.ReadAllBytes(obj);

        NonoException ex;
        using (Restorer restorer = new(session, null, verifiedBudget: 0) { Creators = Threads, MinChunk = 8, PoisonReleasedContent = true, AfterVerify = () => Damage(obj, original) })
        {
            ex = Assert.Throws<NonoException>(() => restorer.Restore(0, dryRun: false, ct));
        }

        Assert.Equal(NonoErrorCode.VerificationFailed, ex.Code);
        Assert.Contains("c/f020.txt", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.False(File.Exists(fx.Path(victim)));
        Assert.Empty(Directory.EnumerateFileSystemEntries(fx.Root, ".nono-tmp-*", SearchOption.AllDirectories));
        Assert.All(Directory.EnumerateFiles(fx.Root, "*", SearchOption.AllDirectories), path => Assert.Equal(contents[Path.GetRelativePath(fx.Root, path)], File.ReadAllBytes(path))); // whatever was written is complete

        File.WriteAllBytes(obj, original);
        await session.RestoreAsync(0, cancellationToken: ct);

        Assert.Equal(snapshotted, await TreeListing.CaptureAsync(fx.Root));
    }

    [Fact]
    public async Task Restore_ManyThreadsWhileDirectoryIsSwappedForSymlink_NeverTouchesOutsideAndCompletesAfterwards()
    {
        await RestoreRaceTests.RaceAsync(session =>
        {
            Restore(session, 0, minChunk: 4); // dir's files and dir/sub's files are two chunks, created at the same time
            return Task.CompletedTask;
        }, TestContext.Current.CancellationToken);
    }

    private static void SwapForSymlink(string directory, string target)
    {
        Directory.Move(directory, directory + ".moved");
        File.CreateSymbolicLink(directory, target);
    }

    private static void Damage(string obj, byte[] original)
    {
        byte[] damaged = (byte[])original.Clone();
        damaged[damaged.Length / 2] ^= 0xFF;
        File.WriteAllBytes(obj, damaged);
    }
}
