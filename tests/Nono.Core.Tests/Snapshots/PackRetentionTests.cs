using Nono.Core.Snapshots;
using Nono.Core.Snapshots.Packs;
using Nono.Testing;

namespace Nono.Core.Tests.Snapshots;

/// <summary>Cleanup over packs: compaction keeps every live object (verified), drops dead ones, and recovers from interruptions.</summary>
public sealed class PackRetentionTests
{
    [Fact]
    public async Task Cleanup_CompactsPartlyLivePacks_DeletesDeadOnes_AndKeptSessionsStillRestore()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SnapshotFixture fx = new();
        ManualTimeProvider clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        SnapshotStore store = SnapshotStore.Open(fx.StateRoot, clock);
        PackTestTree.WriteSmallFiles(fx.Root, "shared", 20, seed: 100);
        string? listingOfS2 = null;
        for (int i = 0; i < 4; i++)
        {
            if (Directory.Exists(fx.Path("unique")))
            {
                Directory.Delete(fx.Path("unique"), recursive: true);
            }

            PackTestTree.WriteSmallFiles(fx.Root, "unique", 10, seed: i);
            listingOfS2 = i == 2 ? await TreeListing.CaptureAsync(fx.Root) : listingOfS2;
            await SnapshotSession.Begin(store, $"s{i}", [fx.Root], new SnapshotOptions()).TakeSnapshotAsync(cancellationToken: ct);
            clock.Now += TimeSpan.FromDays(1);
        }

        string[] packsBefore = Directory.GetFiles(Path.Combine(fx.StateRoot, "objects", "packs"));
        RetentionResult dry = await store.CleanupAsync(new RetentionPolicy { KeepCount = 2 }, dryRun: true, ct);
        Assert.Equal(packsBefore, Directory.GetFiles(Path.Combine(fx.StateRoot, "objects", "packs")));
        RetentionResult result = await store.CleanupAsync(new RetentionPolicy { KeepCount = 2 }, cancellationToken: ct);

        Assert.Equal(["s0", "s1"], result.RemovedSessions);
        Assert.Equal(20, result.RemovedObjects);
        Assert.Equal(dry.FreedBytes, result.FreedBytes);
        Assert.True(result.FreedBytes > 0);
        using (ObjectStore objects = fx.OpenObjects())
        {
            HashSet<string> referenced = new(store.OpenSession("s2").ReferencedObjects().Keys.Concat(store.OpenSession("s3").ReferencedObjects().Keys), StringComparer.Ordinal);
            List<string> packed = PackTestTree.PackedHashes(objects);
            Assert.Equal(packed.Count, packed.Distinct(StringComparer.Ordinal).Count()); // each object once
            Assert.Equal(referenced.Order(StringComparer.Ordinal), objects.EnumerateHashes().Order(StringComparer.Ordinal));
            Assert.Empty(objects.Packs.Problems);
        }

        SnapshotSession s2 = store.OpenSession("s2");
        Assert.True((await s2.VerifyAsync(ct)).Ok);
        Assert.True((await store.OpenSession("s3").VerifyAsync(ct)).Ok);
        Directory.Delete(fx.Root, recursive: true);
        await s2.RestoreAsync(0, cancellationToken: ct);
        Assert.Equal(listingOfS2, await TreeListing.CaptureAsync(fx.Root));
    }

    [Fact]
    public async Task Cleanup_AfterInterruptedWrites_DropsDuplicatePacksAndOrphans_LosesNothing()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SnapshotFixture fx = new();
        PackTestTree.WriteSmallFiles(fx.Root, "src", 30, seed: 7);
        string baseline = await TreeListing.CaptureAsync(fx.Root);
        SnapshotSession session = fx.Begin();
        await session.TakeSnapshotAsync(cancellationToken: ct);
        string packs = Path.Combine(fx.StateRoot, "objects", "packs");
        string original = Path.GetFileNameWithoutExtension(Directory.GetFiles(packs, "*.idx").Single());

        // A compaction killed after writing its new pack but before deleting the old one: every object twice.
        string copy = Pack.Prefix + new string('0', 32);
        File.Copy(Path.Combine(packs, original + ".pack"), Path.Combine(packs, copy + ".pack"));
        File.Copy(Path.Combine(packs, original + ".idx"), Path.Combine(packs, copy + ".idx"));

        // A writer killed between renaming its data file and its index, and one killed before any rename.
        string orphan = Pack.Prefix + new string('f', 32);
        File.Copy(Path.Combine(packs, original + ".pack"), Path.Combine(packs, orphan + ".pack"));
        File.WriteAllText(Path.Combine(fx.StateRoot, "objects", "tmp", orphan + ".pack"), "partial");
        Assert.True((await session.VerifyAsync(ct)).Ok);

        RetentionResult result = await fx.Store.CleanupAsync(new RetentionPolicy(), cancellationToken: ct);

        Assert.Equal(0, result.RemovedObjects);
        Assert.Single(Directory.GetFiles(packs, "*.idx"));
        Assert.Single(Directory.GetFiles(packs, "*.pack"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(fx.StateRoot, "objects", "tmp")));
        using (ObjectStore objects = fx.OpenObjects())
        {
            Assert.Equal(30, PackTestTree.PackedHashes(objects).Count);
        }

        Assert.True((await session.VerifyAsync(ct)).Ok);
        Directory.Delete(fx.Root, recursive: true);
        await session.RestoreAsync(0, cancellationToken: ct);
        Assert.Equal(baseline, await TreeListing.CaptureAsync(fx.Root));
    }

    [Fact]
    public async Task Cleanup_LiveObjectDamagedInAPackItWouldCompact_KeepsThatPack()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SnapshotFixture fx = new();
        ManualTimeProvider clock = new(DateTimeOffset.UnixEpoch);
        SnapshotStore store = SnapshotStore.Open(fx.StateRoot, clock);
        byte[] keep = System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("kept by the newer session\n", 40)));
        File.WriteAllBytes(fx.Path("keep.txt"), keep);
        File.WriteAllText(fx.Path("gone.txt"), "only in the old session");
        await SnapshotSession.Begin(store, "old", [fx.Root], new SnapshotOptions()).TakeSnapshotAsync(cancellationToken: ct);
        clock.Now += TimeSpan.FromHours(1);
        File.Delete(fx.Path("gone.txt"));
        await SnapshotSession.Begin(store, "new", [fx.Root], new SnapshotOptions()).TakeSnapshotAsync(cancellationToken: ct);
        PackTestTree.Damage(fx, PackTestTree.Hash(keep), "flip-data");
        string[] packsBefore = Directory.GetFiles(Path.Combine(fx.StateRoot, "objects", "packs"));

        RetentionResult result = await store.CleanupAsync(new RetentionPolicy { KeepCount = 1 }, cancellationToken: ct);

        Assert.Equal(["old"], result.RemovedSessions);
        Assert.Equal(packsBefore, Directory.GetFiles(Path.Combine(fx.StateRoot, "objects", "packs"))); // nothing new written, the damaged pack kept
        VerifyResult verify = await store.OpenSession("new").VerifyAsync(ct);
        Assert.Contains(verify.Problems, p => p.Contains(PackTestTree.Hash(keep)[..16], StringComparison.Ordinal));
    }
}
