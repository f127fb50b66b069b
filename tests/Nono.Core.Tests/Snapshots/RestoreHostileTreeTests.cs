using Nono.Core.Diagnostics;
using Nono.Core.Snapshots;
using Nono.Testing;

namespace Nono.Core.Tests.Snapshots;

public sealed class RestoreHostileTreeTests
{
    [Fact]
    public async Task Restore_DirectoryReplacedBySymlinkToOutside_TouchesNothingOutsideAndRestoresInside()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SnapshotFixture fx = new();
        Directory.CreateDirectory(fx.Path("dir", "deep"));
        File.WriteAllText(fx.Path("dir", "f.txt"), "inside");
        File.WriteAllText(fx.Path("dir", "deep", "g.txt"), "deep inside");
        Directory.CreateDirectory(fx.Outside);
        File.WriteAllText(Path.Combine(fx.Outside, "f.txt"), "outside");
        File.SetUnixFileMode(Path.Combine(fx.Outside, "f.txt"), (UnixFileMode)0b110_000_000);
        string baseline = await TreeListing.CaptureAsync(fx.Root);
        string outsideBefore = await TreeListing.CaptureAsync(fx.Outside);
        SnapshotSession session = fx.Begin();
        await session.TakeSnapshotAsync(cancellationToken: ct);

        // The sandboxed process swaps the directory for a symlink pointing out of the root.
        Directory.Delete(fx.Path("dir"), recursive: true);
        File.CreateSymbolicLink(fx.Path("dir"), fx.Outside);
        await session.RestoreAsync(0, cancellationToken: ct);

        Assert.Equal(outsideBefore, await TreeListing.CaptureAsync(fx.Outside));
        Assert.Equal(baseline, await TreeListing.CaptureAsync(fx.Root));
        Assert.Null(new DirectoryInfo(fx.Path("dir")).LinkTarget);
    }

    [Fact]
    public async Task Restore_ParentSymlinkedWhileFileAlsoChanged_NeverWritesThroughIt()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SnapshotFixture fx = new();
        Directory.CreateDirectory(fx.Path("a", "b"));
        File.WriteAllText(fx.Path("a", "b", "victim"), "original");
        Directory.CreateDirectory(Path.Combine(fx.Outside, "b"));
        string baseline = await TreeListing.CaptureAsync(fx.Root);
        SnapshotSession session = fx.Begin();
        await session.TakeSnapshotAsync(cancellationToken: ct);

        // a/ becomes a symlink to a look-alike outside tree; restore of a/b/victim must not land there.
        Directory.Delete(fx.Path("a"), recursive: true);
        File.CreateSymbolicLink(fx.Path("a"), fx.Outside);
        string outsideBefore = await TreeListing.CaptureAsync(fx.Outside);
        await session.RestoreAsync(0, cancellationToken: ct);

        Assert.False(File.Exists(Path.Combine(fx.Outside, "b", "victim")));
        Assert.Equal(outsideBefore, await TreeListing.CaptureAsync(fx.Outside));
        Assert.Equal(baseline, await TreeListing.CaptureAsync(fx.Root));
    }

    [Fact]
    public async Task Restore_FileReplacedByHardlinkToOutsideFile_NeverChangesTheOutsideInode()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SnapshotFixture fx = new();
        File.WriteAllText(fx.Path("config"), "same bytes");
        File.SetUnixFileMode(fx.Path("config"), (UnixFileMode)0b111_111_111);
        Directory.CreateDirectory(fx.Outside);
        File.WriteAllText(Path.Combine(fx.Outside, "private"), "same bytes");
        File.SetUnixFileMode(Path.Combine(fx.Outside, "private"), (UnixFileMode)0b110_000_000);
        string baseline = await TreeListing.CaptureAsync(fx.Root);
        SnapshotSession session = fx.Begin();
        await session.TakeSnapshotAsync(cancellationToken: ct);

        // Same content, so only the mode differs: a chmod in place would hit the outside inode.
        File.Delete(fx.Path("config"));
        Assert.Equal(0, (await ProcessRunner.RunAsync("ln", [Path.Combine(fx.Outside, "private"), fx.Path("config")], cancellationToken: ct)).ExitCode);
        await session.RestoreAsync(0, cancellationToken: ct);

        Assert.Equal((UnixFileMode)0b110_000_000, File.GetUnixFileMode(Path.Combine(fx.Outside, "private")));
        Assert.Equal(baseline, await TreeListing.CaptureAsync(fx.Root));
    }

    [Fact]
    public async Task Restore_FileReplacedByFifo_RecreatesFileWithoutOpeningFifo()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SnapshotFixture fx = new();
        File.WriteAllText(fx.Path("pipe"), "was a file");
        string baseline = await TreeListing.CaptureAsync(fx.Root);
        SnapshotSession session = fx.Begin();
        await session.TakeSnapshotAsync(cancellationToken: ct);

        File.Delete(fx.Path("pipe"));
        ProcessResult mkfifo = await ProcessRunner.RunAsync("mkfifo", [fx.Path("pipe")], cancellationToken: ct);
        Assert.Equal(0, mkfifo.ExitCode);
        SnapshotInfo withFifo = await session.TakeSnapshotAsync(cancellationToken: ct);
        await session.RestoreAsync(0, cancellationToken: ct);

        Assert.Equal(1, withFifo.Skipped);
        Assert.Equal(0, withFifo.Files);
        Assert.Equal(baseline, await TreeListing.CaptureAsync(fx.Root));
    }

    [Fact]
    public async Task Restore_SpecialFilesInBaseline_AreRecordedAsSkippedAndNeverRecreated()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SnapshotFixture fx = new();
        File.WriteAllText(fx.Path("keep"), "k");
        Assert.Equal(0, (await ProcessRunner.RunAsync("mkfifo", [fx.Path("fifo")], cancellationToken: ct)).ExitCode);
        SnapshotSession session = fx.Begin();
        await session.TakeSnapshotAsync(cancellationToken: ct);

        File.Delete(fx.Path("fifo"));
        File.Delete(fx.Path("keep"));
        RestoreResult result = await session.RestoreAsync(0, cancellationToken: ct);

        Assert.Equal("fifo", Assert.Single(result.Skipped).Path);
        Assert.False(Path.Exists(fx.Path("fifo")));
        Assert.Equal("k", File.ReadAllText(fx.Path("keep")));
    }

    [Fact]
    public async Task Snapshot_TreeDeeperThanLimit_FailsLoudlyInsteadOfCrashing()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SnapshotFixture fx = new();
        string deep = string.Join('/', Enumerable.Repeat("d", TreeScanner.MaxDepth + 5));
        Directory.CreateDirectory(fx.Path(deep));
        SnapshotSession session = fx.Begin();

        NonoException ex = await Assert.ThrowsAsync<NonoException>(() => session.TakeSnapshotAsync(cancellationToken: ct));

        Assert.Contains("deeper than 256", ex.Message, StringComparison.Ordinal);
        Assert.Empty(session.Info.Snapshots);
    }

    [Theory]
    [InlineData("flip")]
    [InlineData("truncate")]
    [InlineData("delete")]
    public async Task Restore_CorruptObject_RefusesWithClearMessageAndChangesNothing(string damage)
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SnapshotFixture fx = new();
        byte[] precious = System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("precious line\n", 500)));
        File.WriteAllBytes(fx.Path("precious.txt"), precious);
        File.WriteAllText(fx.Path("other.txt"), "other");
        SnapshotSession session = fx.Begin(new SnapshotOptions { PackSmallObjects = false }); // loose objects; packs: SnapshotPackTests
        await session.TakeSnapshotAsync(cancellationToken: ct);
        File.WriteAllText(fx.Path("precious.txt"), "ruined");
        File.Delete(fx.Path("other.txt"));
        File.WriteAllText(fx.Path("created.txt"), "new");
        string damaged = await TreeListing.CaptureAsync(fx.Root);

        string obj = fx.ObjectPathFor(precious);
        byte[] bytes = File.ReadAllBytes(obj);
        switch (damage)
        {
            case "flip":
                bytes[bytes.Length / 2] ^= 0xFF;
                File.WriteAllBytes(obj, bytes);
                break;
            case "truncate":
                File.WriteAllBytes(obj, bytes[..(bytes.Length / 2)]);
                break;
            default:
                File.Delete(obj);
                break;
        }

        NonoException ex = await Assert.ThrowsAsync<NonoException>(() => session.RestoreAsync(0, cancellationToken: ct));
        VerifyResult verify = await session.VerifyAsync(ct);

        Assert.Equal(NonoErrorCode.VerificationFailed, ex.Code);
        Assert.Contains("corrupt", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"needed for {fx.Path("precious.txt")}", ex.Message, StringComparison.Ordinal); // the file in its root, not only the object
        Assert.DoesNotContain('\n', ex.Message);
        Assert.Equal(damaged, await TreeListing.CaptureAsync(fx.Root));
        Assert.False(verify.Ok);
        Assert.Single(verify.Problems);
    }
}
