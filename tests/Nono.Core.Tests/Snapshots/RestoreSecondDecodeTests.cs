using Nono.Core.Diagnostics;
using Nono.Core.Snapshots;
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
        WriteTree(fx);
        File.WriteAllBytes(fx.Path("big.bin"), [.. Enumerable.Range(0, 3 * Restorer.DirectLimit).Select(i => (byte)(i * 7))]);
        SnapshotSession session = fx.Begin();
        await session.TakeSnapshotAsync(cancellationToken: ct);
        string snapshotted = await TreeListing.CaptureAsync(fx.Root);
        Directory.Delete(fx.Path("a"), recursive: true);
        File.WriteAllText(fx.Path("b", "f007.txt"), "changed");
        File.WriteAllText(fx.Path("b", "new.txt"), "created");

        using (Restorer restorer = new(session, null, verifiedBudget: 0))
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
        Dictionary<string, byte[]> contents = WriteTree(fx);
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

    /// <summary>Two directories of small files with distinct content; returns content by relative path.</summary>
    private static Dictionary<string, byte[]> WriteTree(SnapshotFixture fx)
    {
        Dictionary<string, byte[]> contents = [];
        foreach (string dir in new[] { "a", "b" })
        {
            Directory.CreateDirectory(fx.Path(dir));
            for (int i = 0; i < Files; i++)
            {
                string relative = System.IO.Path.Combine(dir, $"f{i:D3}.txt");
                byte[] content = System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat($"{relative} line {i}\n", 1 + (i * 37 % 200))));
                File.WriteAllBytes(fx.Path(relative), content);
                contents[relative] = content;
            }
        }

        return contents;
    }

    private static void Damage(string obj, byte[] original)
    {
        byte[] damaged = (byte[])original.Clone();
        damaged[damaged.Length / 2] ^= 0xFF;
        File.WriteAllBytes(obj, damaged);
    }
}
