using Nono.Core.Snapshots;
using Nono.Testing;

namespace Nono.Core.Tests.Snapshots;

/// <summary>
/// Roots that share a directory missing at restore time: the first root this restore creates makes the directory (as
/// its own root or as a missing parent), and the next root must accept it as this restore's own, not refuse it as
/// "created since by another process". Each case restores, and restores again from the restored tree.
/// </summary>
public sealed class RestoreSharedMissingDirectoryTests
{
    [Fact]
    public async Task Restore_TwoFileRootsInOneDeletedDirectory_RestoresBoth()
    {
        using TempDirectory temp = new("nono-shared-");
        string cfg = temp.Combine("x", "cfg");
        await AssertRestoresAsync(temp, [Path.Combine(cfg, "a.json"), Path.Combine(cfg, "b.json")], [], cfg);
    }

    [Fact]
    public async Task Restore_FileRootInASubdirectoryThenFileRootInItsParent_RestoresBoth()
    {
        using TempDirectory temp = new("nono-shared-");
        string w = temp.Combine("w");
        await AssertRestoresAsync(temp, [Path.Combine(w, "sub", "b.json"), Path.Combine(w, "a.json")], [], w);
    }

    [Fact]
    public async Task Restore_DirectoryRootThenFileRootInItsParent_RestoresBoth()
    {
        using TempDirectory temp = new("nono-shared-");
        string w = temp.Combine("w");
        await AssertRestoresAsync(temp, [Path.Combine(w, "f.json")], [Path.Combine(w, "d")], w, directoryFirst: true);
    }

    [Fact]
    public async Task Restore_FileRootThenDirectoryRootInTheSameParent_RestoresBoth()
    {
        using TempDirectory temp = new("nono-shared-");
        string w = temp.Combine("w");
        await AssertRestoresAsync(temp, [Path.Combine(w, "f.json")], [Path.Combine(w, "d")], w);
    }

    private static async Task AssertRestoresAsync(TempDirectory temp, string[] files, string[] directories, string deleted, bool directoryFirst = false)
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        foreach (string file in files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllText(file, "{\"name\":\"" + Path.GetFileName(file) + "\"}");
        }

        foreach (string directory in directories)
        {
            Directory.CreateDirectory(Path.Combine(directory, "inner"));
            File.WriteAllText(Path.Combine(directory, "inner", "x.txt"), "in " + directory);
        }

        string[] roots = directoryFirst ? [.. directories, .. files] : [.. files, .. directories];
        SnapshotStore store = SnapshotStore.Open(temp.Combine("state"));
        SnapshotSession session = SnapshotSession.Begin(store, "shared", roots, new SnapshotOptions());
        await session.TakeSnapshotAsync(cancellationToken: ct);
        string snapshotted = await TreeListing.CaptureAsync(deleted);
        Directory.Delete(deleted, recursive: true);

        await session.RestoreAsync(0, cancellationToken: ct);
        Assert.Equal(snapshotted, await TreeListing.CaptureAsync(deleted));

        await session.RestoreAsync(0, cancellationToken: ct); // a rerun over the restored tree changes nothing
        Assert.Equal(snapshotted, await TreeListing.CaptureAsync(deleted));
    }
}
