using Nono.Core.Snapshots;
using Nono.Testing;

namespace Nono.Core.Tests.Snapshots;

/// <summary>
/// A file whose name was free at plan time is written as an unnamed file (O_TMPFILE) and linked in; linkat refuses a
/// name that appeared since the plan, which must then be replaced like an existing one, never followed.
/// </summary>
public sealed class RestoreUnnamedFileTests
{
    [Theory]
    [InlineData("symlink")]
    [InlineData("file")]
    [InlineData("directory")]
    public async Task Restore_FreeNameTakenAfterThePlan_IsReplacedNotFollowedAndNoTempNameRemains(string kind)
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SnapshotFixture fx = new();
        Dictionary<string, byte[]> contents = SmallFileTree.Write(fx, 20, "a");
        SnapshotSession session = fx.Begin();
        await session.TakeSnapshotAsync(cancellationToken: ct);
        string snapshotted = await TreeListing.CaptureAsync(fx.Root);
        Directory.Delete(fx.Path("a"), recursive: true); // every name free at plan time
        Directory.CreateDirectory(fx.Outside);
        string target = Path.Combine(fx.Outside, "target.txt");
        File.WriteAllText(target, "outside, must survive");
        string outside = await TreeListing.CaptureAsync(fx.Outside);
        string taken = fx.Path("a", "f005.txt");

        using (Restorer restorer = new(session, null) { AfterVerify = () => Take(taken, kind, target) })
        {
            restorer.Restore(0, dryRun: false, ct);
        }

        Assert.Equal(contents[Path.Combine("a", "f005.txt")], File.ReadAllBytes(taken));
        Assert.Null(new FileInfo(taken).LinkTarget);
        Assert.Equal(outside, await TreeListing.CaptureAsync(fx.Outside));
        Assert.Empty(Directory.EnumerateFileSystemEntries(fx.Root, ".nono-tmp-*", SearchOption.AllDirectories));
        Assert.Equal(snapshotted, await TreeListing.CaptureAsync(fx.Root));
    }

    private static void Take(string path, string kind, string target)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        switch (kind)
        {
            case "symlink":
                File.CreateSymbolicLink(path, target);
                break;
            case "file":
                File.WriteAllText(path, "planted");
                break;
            default:
                Directory.CreateDirectory(Path.Combine(path, "inner"));
                break;
        }
    }
}
