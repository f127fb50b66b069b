using Nono.Core.Diagnostics;
using Nono.Core.Snapshots;
using Nono.Core.Snapshots.Native;
using Nono.Testing;

namespace Nono.Core.Tests.Snapshots;

/// <summary>
/// A session tracks two roots with the same relative paths (two writable grants): every restore and verify message,
/// progress report and summary about one of them must say which (its absolute path), never just the relative path.
/// </summary>
public sealed class RestoreRootNamingTests
{
    private const string Shared = "b/f.txt";

    [Fact]
    public async Task Restore_TwoRoots_BrokenObjectNamesTheFileInItsRoot()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TwoRoots t = new();
        SnapshotSession session = t.Begin(new SnapshotOptions { PackSmallObjects = false });
        await session.TakeSnapshotAsync(cancellationToken: ct);
        File.Delete(Path.Combine(t.First, Shared));
        File.Delete(Path.Combine(t.Second, Shared));
        Break(t.Fx.ObjectPathFor(t.SecondContent));

        NonoException ex = await Assert.ThrowsAsync<NonoException>(() => session.RestoreAsync(0, cancellationToken: ct));

        string second = Path.Combine(t.Second, Shared);
        Assert.Contains($"restoring {second} from object", ex.Message, StringComparison.Ordinal);
        Assert.Contains("nothing was changed", ex.Message, StringComparison.Ordinal);
        Assert.Equal(second, ex.Path);
        Assert.False(File.Exists(Path.Combine(t.First, Shared))); // refused before the first root was touched
    }

    [Fact]
    public async Task Restore_TwoRoots_ParentSwappedForSymlinkNamesTheSecondRoot()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TwoRoots t = new();
        SnapshotSession session = t.Begin();
        await session.TakeSnapshotAsync(cancellationToken: ct);
        File.Delete(Path.Combine(t.First, Shared));
        File.Delete(Path.Combine(t.Second, Shared));
        Directory.CreateDirectory(t.Fx.Outside);
        string outside = await TreeListing.CaptureAsync(t.Fx.Outside);

        NonoException ex;
        using (Restorer restorer = new(session, null) { AfterVerify = () => SwapForSymlink(Path.Combine(t.Second, "b"), t.Fx.Outside) })
        {
            ex = Assert.Throws<NonoException>(() => restorer.Restore(0, dryRun: false, ct));
        }

        Assert.Contains($"cannot open {Path.Combine(t.Second, "b")} inside the root {t.Second}", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.Equal(outside, await TreeListing.CaptureAsync(t.Fx.Outside));
    }

    [Fact]
    public async Task Restore_TwoRoots_FileTurnedIntoDirectoryNamesItsAbsolutePath()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TwoRoots t = new();
        SnapshotSession session = t.Begin();
        await session.TakeSnapshotAsync(cancellationToken: ct);
        string second = Path.Combine(t.Second, Shared);
        File.SetUnixFileMode(Path.Combine(t.First, Shared), UnixFileMode.UserRead); // same content, other mode: a metadata fix in both roots
        File.SetUnixFileMode(second, UnixFileMode.UserRead);

        NonoException ex;
        using (Restorer restorer = new(session, null) { AfterVerify = () => { File.Delete(second); Directory.CreateDirectory(second); } })
        {
            ex = Assert.Throws<NonoException>(() => restorer.Restore(0, dryRun: false, ct));
        }

        Assert.StartsWith($"{second} changed type during restore", ex.Message, StringComparison.Ordinal);
        Assert.Equal(second, ex.Path);
    }

    [Fact]
    public void Placed_HelperErrorNamingOnlyTheLastComponent_NamesTheAbsolutePath()
    {
        NonoException own = Fs.Error("renameat", "f.txt", (int)Interop.Errno.EISDIR);
        NonoException nested = Fs.Error("unlinkat", "old/sub/x", (int)Interop.Errno.EACCES);
        NonoException byDescriptor = Fs.Error("statx", "/proc/self/fd/7", (int)Interop.Errno.ENOSPC);

        Assert.Equal("renameat /w/two/b/f.txt: Is a directory", Restorer.Placed("/w/two", "b", "b/f.txt", own).Message);
        Assert.Equal("unlinkat /w/two/old/sub/x: Permission denied", Restorer.Placed("/w/two", "", "old", nested).Message);
        Assert.Equal("statx /w/two/b/f.txt: No space left on device", Restorer.Placed("/w/two", "b", "b/f.txt", byDescriptor).Message);
        Assert.Equal("/w/two/b/f.txt: disk gone", Restorer.Placed("/w/two", "b", "b/f.txt", new IOException("disk gone")).Message);
    }

    [Fact]
    public async Task Verify_TwoRoots_BrokenObjectNamesTheFileInItsRoot()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TwoRoots t = new();
        SnapshotSession session = t.Begin(new SnapshotOptions { PackSmallObjects = false });
        await session.TakeSnapshotAsync(cancellationToken: ct);
        File.WriteAllBytes(t.Fx.ObjectPathFor(t.SecondContent), [1, 2, 3]);

        VerifyResult result = await session.VerifyAsync(ct);

        string problem = Assert.Single(result.Problems);
        Assert.Contains($"needed for {Path.Combine(t.Second, Shared)} in snapshot 0", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restore_TwoRoots_ProgressActionsAndSummariesNameTheRoot()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TwoRoots t = new();
        SnapshotSession session = t.Begin();
        await session.TakeSnapshotAsync(cancellationToken: ct);
        File.Delete(Path.Combine(t.Second, Shared));
        Collector progress = new();

        RestoreResult result;
        using (Restorer restorer = new(session, progress))
        {
            result = restorer.Restore(0, dryRun: false, ct);
        }

        Assert.Equal([t.First, t.Second], progress.Reports.Where(r => r.Phase == "scan").Select(r => r.Root).Distinct());
        Assert.Equal([t.First, t.Second], progress.Reports.Where(r => r.Phase == "apply").Select(r => r.Root).Distinct());
        RestoreAction write = Assert.Single(result.Actions, a => a.Action == "write");
        Assert.Equal(Path.Combine(t.Second, Shared), write.Location);
        Assert.Equal([$"  {t.First}: 0 files written, 0 symlinks, 0 directories created, 0 removed, 0 modes fixed", $"  {t.Second}: 1 files written, 0 symlinks, 0 directories created, 0 removed, 0 modes fixed"], result.RootSummaries());
    }

    [Fact]
    public async Task Restore_FileRootDryRun_LocatesTheFileItself()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SnapshotFixture fx = new();
        string file = fx.Path("settings.json");
        File.WriteAllText(file, "v1");
        SnapshotSession session = SnapshotSession.Begin(fx.Store, "s", [file], new SnapshotOptions());
        await session.TakeSnapshotAsync(cancellationToken: ct);
        File.WriteAllText(file, "v2");

        RestoreResult dry = await session.RestoreAsync(0, dryRun: true, cancellationToken: ct);

        Assert.Equal(file, Assert.Single(dry.Actions).Location); // not settings.json/settings.json
    }

    private static void Break(string obj)
    {
        File.Delete(obj);
        Directory.CreateDirectory(obj);
    }

    private static void SwapForSymlink(string directory, string target)
    {
        Directory.Move(directory, directory + ".moved");
        File.CreateSymbolicLink(directory, target);
    }

    private sealed class Collector : IProgress<SnapshotProgress>
    {
        private readonly Lock _gate = new();

        public List<SnapshotProgress> Reports { get; } = [];

        public void Report(SnapshotProgress value)
        {
            lock (_gate)
            {
                Reports.Add(value);
            }
        }
    }

    /// <summary>Two roots, ws and ws2, each holding <see cref="Shared"/> with different content.</summary>
    private sealed class TwoRoots : IDisposable
    {
        public TwoRoots()
        {
            Second = Path.Combine(Path.GetDirectoryName(Fx.Root)!, "ws2");
            foreach (string root in new[] { First, Second })
            {
                Directory.CreateDirectory(Path.Combine(root, "b"));
                File.WriteAllText(Path.Combine(root, "b", "other.txt"), "same in both roots");
            }

            File.WriteAllBytes(Path.Combine(First, Shared), "first root's content"u8.ToArray());
            File.WriteAllBytes(Path.Combine(Second, Shared), SecondContent);
        }

        public SnapshotFixture Fx { get; } = new();

        public string First => Fx.Root;

        public string Second { get; }

        public byte[] SecondContent { get; } = "second root's content"u8.ToArray();

        public SnapshotSession Begin(SnapshotOptions? options = null) =>
            SnapshotSession.Begin(Fx.Store, "two", [First, Second], options ?? new SnapshotOptions());

        public void Dispose() => Fx.Dispose();
    }
}
