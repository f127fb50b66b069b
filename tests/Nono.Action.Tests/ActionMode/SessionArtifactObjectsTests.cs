using Nono.Action.ActionMode;
using Nono.Core.Snapshots;
using Nono.Testing;

namespace Nono.Action.Tests.ActionMode;

/// <summary>
/// The artifact's budget for file contents goes to protected paths first, then to the smallest files: a large file
/// changed first can no longer push out every later diff. What does not fit is listed, never silently missing.
/// </summary>
public sealed class SessionArtifactObjectsTests
{
    [Fact]
    public async Task Budget_GoesToProtectedThenSmallFiles_AndListsWhatWasLeftOut()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TempDirectory temp = new("nono-objects-");
        string root = temp.Combine("ws");
        string state = temp.Combine("state");
        Directory.CreateDirectory(Path.Combine(root, ".github"));
        SnapshotSession session = SnapshotSession.Begin(SnapshotStore.Open(state), "s1", [root], new SnapshotOptions());
        await session.TakeSnapshotAsync(cancellationToken: ct);
        // Changed in name order: the large file sorts first, as "aaa" would in a first-come budget.
        File.WriteAllBytes(Path.Combine(root, "aaa-large.bin"), new byte[600]);
        File.WriteAllBytes(Path.Combine(root, "huge.bin"), new byte[2000]);
        File.WriteAllText(Path.Combine(root, ".github", "ci.yml"), new string('p', 500));
        for (int i = 0; i < 5; i++)
        {
            File.WriteAllText(Path.Combine(root, $"small-{i}.txt"), new string((char)('a' + i), 50));
        }

        await session.TakeSnapshotAsync(cancellationToken: ct);
        SnapshotDiff diff = await session.DiffAsync(0, 1, cancellationToken: ct);
        string artifact = temp.Combine("artifact");
        Directory.CreateDirectory(artifact);
        using NoFollowDirectory folder = NoFollowDirectory.Open(artifact);

        IReadOnlyList<OmittedObject> omitted = SessionArtifactObjects.Write(folder, state, "s1", diff, p => p == ".github/ci.yml", maxFileBytes: 1000, maxTotalBytes: 1000);

        string[] stored = [.. Directory.EnumerateFiles(Path.Combine(artifact, SessionArtifactObjects.DirectoryName)).Select(f => new FileInfo(f).Length.ToString(System.Globalization.CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal)];
        Assert.Equal(["50", "50", "50", "50", "50", "500"], stored); // protected (500) and the five small ones: 750 of 1000
        Assert.Equal([("aaa-large.bin", 600L), ("huge.bin", 2000L)], omitted.Select(o => (o.Path, o.Size)));
        Assert.StartsWith("the artifact's 1000 bytes", omitted[0].Reason, StringComparison.Ordinal);
        Assert.StartsWith("larger than the 1000 bytes", omitted[1].Reason, StringComparison.Ordinal);
        string[] listed = File.ReadAllLines(Path.Combine(artifact, SessionArtifactObjects.OmittedFileName));
        Assert.Equal(["aaa-large.bin", "huge.bin"], listed.Select(l => l.Split('\t')[2]));
    }

    [Fact]
    public async Task EverythingFits_NothingIsListed()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TempDirectory temp = new("nono-objects-");
        string root = temp.Combine("ws");
        string state = temp.Combine("state");
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "a.txt"), "before");
        SnapshotSession session = SnapshotSession.Begin(SnapshotStore.Open(state), "s1", [root], new SnapshotOptions());
        await session.TakeSnapshotAsync(cancellationToken: ct);
        File.WriteAllText(Path.Combine(root, "a.txt"), "after!");
        await session.TakeSnapshotAsync(cancellationToken: ct);
        SnapshotDiff diff = await session.DiffAsync(0, 1, cancellationToken: ct);
        string artifact = temp.Combine("artifact");
        Directory.CreateDirectory(artifact);
        using NoFollowDirectory folder = NoFollowDirectory.Open(artifact);

        IReadOnlyList<OmittedObject> omitted = SessionArtifactObjects.Write(folder, state, "s1", diff, _ => false);

        Assert.Empty(omitted);
        Assert.Equal(2, Directory.EnumerateFiles(Path.Combine(artifact, SessionArtifactObjects.DirectoryName)).Count());
        Assert.False(File.Exists(Path.Combine(artifact, SessionArtifactObjects.OmittedFileName)));
    }
}
