using Nono.Core.Snapshots;
using Nono.Testing;

namespace Nono.Core.Tests.Snapshots;

/// <summary>
/// Restore creates directories and files on several threads, each taking whole sibling runs (chunks) in manifest order.
/// The default only splits trees of hundreds of files; these tests force 4 threads and chunks of a few entries, so that
/// small random trees are split everywhere a chunk may end.
/// </summary>
public sealed partial class RestoreParallelCreationTests
{
    private const int Threads = 4;

    public static TheoryData<int> Seeds()
    {
        TheoryData<int> data = [];
        for (int seed = 101; seed <= 120; seed++)
        {
            data.Add(seed);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Restore_ManyThreadsSmallChunks_MatchesBothListingsAndADeletedTree(int seed)
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TempDirectory temp = new();
        string root = temp.Combine("ws");
        RandomTree tree = new(root, seed);
        tree.Build(80);
        string before = await TreeListing.CaptureAsync(root);
        SnapshotSession session = SnapshotSession.Begin(SnapshotStore.Open(temp.Combine("state")), "p" + seed, [root], new SnapshotOptions { PackSmallObjects = seed % 2 == 0 });
        await session.TakeSnapshotAsync("baseline", cancellationToken: ct);
        tree.Mutate(30);
        string after = await TreeListing.CaptureAsync(root);
        await session.TakeSnapshotAsync("final", cancellationToken: ct);

        Restore(session, 0, minChunk: 1 + (seed % 3), budget: seed % 4 == 0 ? 0 : null); // every fourth seed: every file decoded again while written
        string restored = await TreeListing.CaptureAsync(root);
        Restore(session, 1, minChunk: 2);
        string forward = await TreeListing.CaptureAsync(root);
        Directory.Delete(root, recursive: true);
        Restore(session, 0, minChunk: 1);
        string recreated = await TreeListing.CaptureAsync(root);

        Assert.Equal(before, restored);
        Assert.Equal(after, forward);
        Assert.Equal(before, recreated);
        Assert.Empty(Directory.EnumerateFileSystemEntries(root, ".nono-tmp-*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Restore_WideAndDeepTreeDeleted_IsRecreatedExactlyWithDefaultChunks()
    {
        // Large enough for the default chunking (at least 64 entries a chunk) to split files and directory levels.
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SnapshotFixture fx = new();
        for (int d = 0; d < 40; d++)
        {
            string dir = fx.Path($"d{d:D2}", $"sub{d % 3}", "leaf");
            Directory.CreateDirectory(dir);
            for (int f = 0; f < 12; f++)
            {
                File.WriteAllText(Path.Combine(dir, $"f{f}.txt"), $"{d}/{f} " + new string('x', d * f));
                File.WriteAllText(fx.Path($"d{d:D2}", $"top{f}.txt"), $"top {d}/{f}");
            }
        }

        SnapshotSession session = fx.Begin();
        await session.TakeSnapshotAsync(cancellationToken: ct);
        string snapshotted = await TreeListing.CaptureAsync(fx.Root);
        Directory.Delete(fx.Root, recursive: true);

        using (Restorer restorer = new(session, null) { Creators = Threads })
        {
            restorer.Restore(0, dryRun: false, ct);
        }

        Assert.Equal(snapshotted, await TreeListing.CaptureAsync(fx.Root));
    }

    [Fact]
    public void Chunks_SortedEntries_EndOnlyWhereTheParentChangesAndKeepEveryEntryInOrder()
    {
        string[] paths = ["a/1", "a/2", "a/3", "a/b/1", "a/b/2", "a/c/1", "a/c/2", "a/c/3", "a/c/4", "d", "e/1"];
        List<ManifestEntry> entries = [.. paths.Select(p => new ManifestEntry { Raw = p, Type = EntryType.File })];

        List<List<ManifestEntry>> chunks = Restorer.Chunks(entries, threads: 2, minChunk: 2);
        List<List<ManifestEntry>> single = Restorer.Chunks(entries, threads: 1, minChunk: 2);
        List<List<ManifestEntry>> few = Restorer.Chunks(entries, threads: 2, minChunk: 6);

        Assert.Equal(paths, chunks.SelectMany(c => c).Select(e => e.Raw));
        Assert.Equal(["a/1 a/2 a/3", "a/b/1 a/b/2", "a/c/1 a/c/2 a/c/3 a/c/4", "d e/1"], chunks.Select(c => string.Join(' ', c.Select(e => e.Raw))));
        Assert.Single(single);
        Assert.Single(few);
    }

    private static void Restore(SnapshotSession session, int index, int minChunk, long? budget = null)
    {
        using Restorer restorer = budget is long b
            ? new(session, null, verifiedBudget: b) { Creators = Threads, MinChunk = minChunk, PoisonReleasedContent = true }
            : new(session, null) { Creators = Threads, MinChunk = minChunk };
        restorer.Restore(index, dryRun: false, TestContext.Current.CancellationToken);
    }
}
