using Nono.Core.Diagnostics;
using Nono.Core.Snapshots;
using Nono.Core.Snapshots.Native;
using Nono.Testing;

namespace Nono.Core.Tests.Snapshots;

/// <summary>
/// Small content a restore verified but could not keep in memory is decoded again by prefetch workers
/// while one thread creates the files. Budget 0 sends every small file down that path.
/// </summary>
public sealed class RestoreSecondDecodeTests
{
    private const int Files = 120;

    [Fact]
    public async Task Restore_ContentNotKeptInMemory_IsDecodedAgainAndRestoredExactly()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SnapshotFixture fx = new();
        SmallFileTree.Write(fx, Files, "a", "b");
        File.WriteAllBytes(fx.Path("big.bin"), [.. Enumerable.Range(0, 3 * Restorer.DirectLimit).Select(i => (byte)(i * 7))]);
        SnapshotSession session = fx.Begin();
        await session.TakeSnapshotAsync(cancellationToken: ct);
        string snapshotted = await TreeListing.CaptureAsync(fx.Root);
        Directory.Delete(fx.Path("a"), recursive: true);
        File.WriteAllText(fx.Path("b", "f007.txt"), "changed");
        File.WriteAllText(fx.Path("b", "new.txt"), "created");

        using (Restorer restorer = new(session, null, verifiedBudget: 0) { PoisonReleasedContent = true })
        {
            restorer.Restore(0, dryRun: false, ct);
        }

        Assert.Equal(snapshotted, await TreeListing.CaptureAsync(fx.Root));
    }

    [Fact]
    public async Task Restore_ObjectCorruptedAfterVerification_StopsWithoutPartialFileAndRerunCompletes()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SnapshotFixture fx = new();
        Dictionary<string, byte[]> contents = SmallFileTree.Write(fx, Files, "a", "b");
        SnapshotSession session = fx.Begin(new SnapshotOptions { PackSmallObjects = false }); // loose objects, so one can be damaged alone
        await session.TakeSnapshotAsync(cancellationToken: ct);
        string snapshotted = await TreeListing.CaptureAsync(fx.Root);
        Directory.Delete(fx.Path("a"), recursive: true);
        Directory.Delete(fx.Path("b"), recursive: true);
        string victim = System.IO.Path.Combine("b", "f060.txt");
        string obj = fx.ObjectPathFor(contents[victim]);
        byte[] original = File.ReadAllBytes(obj);

        NonoException ex;
        using (Restorer restorer = new(session, null, verifiedBudget: 0) { AfterVerify = () => Damage(obj, original) })
        {
            ex = Assert.Throws<NonoException>(() => restorer.Restore(0, dryRun: false, ct));
        }

        Assert.Equal(NonoErrorCode.VerificationFailed, ex.Code);
        Assert.Contains("corrupt", ex.Message, StringComparison.Ordinal);
        Assert.Contains("b/f060.txt", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.False(File.Exists(fx.Path(victim)));
        Assert.Empty(Directory.EnumerateFileSystemEntries(fx.Root, ".nono-tmp-*", SearchOption.AllDirectories));
        string[] present = [.. Directory.EnumerateFiles(fx.Root, "*", SearchOption.AllDirectories)];
        Assert.NotEmpty(present); // files before the damaged one in manifest order were written ...
        Assert.All(present, path => Assert.Equal(contents[System.IO.Path.GetRelativePath(fx.Root, path)], File.ReadAllBytes(path))); // ... completely

        File.WriteAllBytes(obj, original); // the store repaired: the same restore, run again, finishes the tree
        await session.RestoreAsync(0, cancellationToken: ct);

        Assert.Equal(snapshotted, await TreeListing.CaptureAsync(fx.Root));
    }

    [Fact]
    public async Task Prefetch_ReleasedContent_IsPoisonedAndTheNextTakeNeedsTheRelease()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SnapshotFixture fx = new();
        Dictionary<string, byte[]> contents = SmallFileTree.Write(fx, Files, "a", "b");
        SnapshotSession session = fx.Begin();
        await session.TakeSnapshotAsync(cancellationToken: ct);
        List<ManifestEntry> files = [.. session.LoadManifest(0).Roots[0].Entries.Where(e => e.Type == EntryType.File)];
        using ObjectStore objects = fx.OpenObjects();
        const int Window = 3;
        using ContentPrefetch prefetch = new(objects, files, workers: 2, Window, ct, poisonReleased: true);

        ContentPrefetch.Prefetched stale = default;
        stale.Dispose(); // a default lease holds nothing: disposing it does nothing
        for (int i = 0; i < files.Count; i++)
        {
            ContentPrefetch.Prefetched taken = prefetch.Take(files[i]);
            if (i > 0)
            {
                Assert.True(ThrowsInvalidOperation(stale), "a stale lease must not release the content in use");
            }

            Assert.Equal(contents[RawName.ToDisplay(files[i].Raw)], taken.Content.ToArray());
            if (i + 1 < files.Count)
            {
                int next = i + 1; // the entry in step: only the lease still held makes it throw
                Assert.Throws<InvalidOperationException>(() => { prefetch.Take(files[next]); }); // one at a time: its buffer is not reused yet
            }

            taken.Dispose();
            Assert.True(ThrowsInvalidOperation(taken), "a lease released twice must throw");
            stale = taken;
            if (i >= files.Count - Window)
            {
                // What a write after the release would see: the poison, or (earlier in the list, once a worker reused the
                // buffer for the entry a window later) another file's content; never this file's.
                Assert.True(taken.Content.IndexOfAnyExcept(ContentPrefetch.Poison) < 0);
            }
        }

        Assert.Equal(2 * Files, files.Count);
    }

    private static bool ThrowsInvalidOperation(ContentPrefetch.Prefetched lease)
    {
        try
        {
            lease.Dispose();
            return false;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }

    private static void Damage(string obj, byte[] original)
    {
        byte[] damaged = (byte[])original.Clone();
        damaged[damaged.Length / 2] ^= 0xFF;
        File.WriteAllBytes(obj, damaged);
    }
}
