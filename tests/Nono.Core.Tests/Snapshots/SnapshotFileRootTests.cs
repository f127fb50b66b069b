using Nono.Core.Diagnostics;
using Nono.Core.Snapshots;
using Nono.Testing;

namespace Nono.Core.Tests.Snapshots;

/// <summary>A single writable file as a snapshot root: only that name of its directory is tracked.</summary>
public sealed class SnapshotFileRootTests
{
    [Fact]
    public async Task FileRoot_ModifiedDeletedRecreated_EachSnapshotRestoresAndSiblingsAreNotTouched()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SnapshotFixture fx = new();
        string file = fx.Path("settings.json");
        string sibling = fx.Path("sibling.txt");
        File.WriteAllText(file, "v1");
        File.SetUnixFileMode(file, (UnixFileMode)0b110_100_000);
        DateTime v1Time = new(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(file, v1Time);
        File.WriteAllText(sibling, "sibling before");
        SnapshotSession session = SnapshotSession.Begin(fx.Store, "s", [file], new SnapshotOptions());
        await session.TakeSnapshotAsync(cancellationToken: ct);
        File.WriteAllText(file, "v2 longer");
        await session.TakeSnapshotAsync(cancellationToken: ct);
        File.Delete(file);
        await session.TakeSnapshotAsync(cancellationToken: ct);
        File.WriteAllText(sibling, "sibling after");

        File.WriteAllText(file, "v3 made by someone else");
        RestoreResult toDeleted = await session.RestoreAsync(2, cancellationToken: ct);
        bool goneAfterRestore2 = !File.Exists(file);
        await session.RestoreAsync(1, cancellationToken: ct);
        string afterRestore1 = File.ReadAllText(file);
        await session.RestoreAsync(0, cancellationToken: ct);
        RestoreResult again = await session.RestoreAsync(0, dryRun: true, cancellationToken: ct);

        Assert.Equal(["delete"], toDeleted.Actions.Select(a => a.Action));
        Assert.True(goneAfterRestore2);
        Assert.Equal("v2 longer", afterRestore1);
        Assert.Equal("v1", File.ReadAllText(file));
        Assert.Equal((UnixFileMode)0b110_100_000, File.GetUnixFileMode(file));
        Assert.Equal(v1Time, File.GetLastWriteTimeUtc(file));
        Assert.Empty(again.Actions);
        Assert.Equal("sibling after", File.ReadAllText(sibling));
        Assert.Equal(["settings.json", "sibling.txt"], Directory.EnumerateFileSystemEntries(fx.Root).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task FileRoot_Diff_ShowsOnlyTheTrackedFile()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SnapshotFixture fx = new();
        string file = fx.Path("notes.txt");
        File.WriteAllText(file, "one\n");
        File.WriteAllText(fx.Path("other.txt"), "untracked\n");
        SnapshotSession session = SnapshotSession.Begin(fx.Store, "s", [file], new SnapshotOptions());
        SnapshotInfo first = await session.TakeSnapshotAsync(cancellationToken: ct);
        File.WriteAllText(file, "two\n");
        File.WriteAllText(fx.Path("other.txt"), "changed too\n");
        File.WriteAllText(fx.Path("new.txt"), "new\n");
        await session.TakeSnapshotAsync(cancellationToken: ct);

        SnapshotDiff diff = await session.DiffAsync(0, 1, includeContent: true, ct);

        Assert.Equal(1, first.Files);
        Assert.Equal(0, first.Directories);
        SnapshotChange change = Assert.Single(diff.Changes);
        Assert.Equal(("notes.txt", ChangeKind.Modified, file), (change.Path, change.Kind, change.Root));
        Assert.Contains("+two", change.Diff, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FileRoot_SymlinkSwappedInPlace_IsNeitherFollowedBySnapshotNorByRestore()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SnapshotFixture fx = new();
        string file = fx.Path(".env");
        File.WriteAllText(file, "TOKEN=inside");
        Directory.CreateDirectory(fx.Outside);
        string victim = Path.Combine(fx.Outside, "victim");
        File.WriteAllText(victim, "outside secret");
        SnapshotSession session = SnapshotSession.Begin(fx.Store, "s", [file], new SnapshotOptions());
        await session.TakeSnapshotAsync(cancellationToken: ct);

        // The sandboxed process replaces the granted file by a symlink to a file outside its grants.
        File.Delete(file);
        File.CreateSymbolicLink(file, victim);
        await session.TakeSnapshotAsync(cancellationToken: ct);
        SnapshotDiff diff = await session.DiffAsync(0, 1, cancellationToken: ct);
        await session.RestoreAsync(0, cancellationToken: ct);

        SnapshotChange change = Assert.Single(diff.Changes);
        Assert.Equal((EntryType.File, EntryType.Symlink), (change.OldType, change.NewType));
        Assert.Equal(0, change.NewSize);
        Assert.Equal("outside secret", File.ReadAllText(victim));
        Assert.Null(new FileInfo(file).LinkTarget);
        Assert.Equal("TOKEN=inside", File.ReadAllText(file));
    }

    [Fact]
    public async Task FileRoot_ParentDirectoryRemoved_RestoreRecreatesIt()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SnapshotFixture fx = new();
        Directory.CreateDirectory(fx.Path("conf"));
        string file = fx.Path("conf", "app.ini");
        File.WriteAllText(file, "[app]\n");
        SnapshotSession session = SnapshotSession.Begin(fx.Store, "s", [file], new SnapshotOptions());
        await session.TakeSnapshotAsync(cancellationToken: ct);

        Directory.Delete(fx.Path("conf"), recursive: true);
        RestoreResult result = await session.RestoreAsync(0, cancellationToken: ct);

        Assert.Equal(["write"], result.Actions.Select(a => a.Action));
        Assert.Equal("[app]\n", File.ReadAllText(file));
    }

    [Fact]
    public void Begin_SpecialOrMissingFile_IsRefusedAndRegularFileAccepted()
    {
        using SnapshotFixture fx = new();
        File.WriteAllText(fx.Path("ok"), "x");

        NonoException ex = Assert.Throws<NonoException>(() => SnapshotSession.Begin(fx.Store, "s", ["/dev/null", fx.Path("missing")], new SnapshotOptions()));
        SnapshotSession ok = SnapshotSession.Begin(fx.Store, "t", [fx.Path("ok")], new SnapshotOptions());

        Assert.Contains("'/dev/null' is not an existing absolute directory or regular file", ex.Message, StringComparison.Ordinal);
        Assert.Contains("missing' is not an existing", ex.Message, StringComparison.Ordinal);
        Assert.False(SnapshotSession.CanBeRoot("/dev/null"));
        Assert.True(SnapshotSession.CanBeRoot(fx.Path("ok")));
        Assert.Equal([fx.Path("ok")], ok.Info.FileRoots);
    }

    [Fact]
    public void Begin_FileInsideDirectoryRoot_IsAnOverlap()
    {
        using SnapshotFixture fx = new();
        File.WriteAllText(fx.Path("f"), "x");

        NonoException ex = Assert.Throws<NonoException>(() => SnapshotSession.Begin(fx.Store, "s", [fx.Root, fx.Path("f")], new SnapshotOptions()));

        Assert.Contains("overlap", ex.Message, StringComparison.Ordinal);
    }
}
