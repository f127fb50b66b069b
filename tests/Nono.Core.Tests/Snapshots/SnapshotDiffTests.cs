using System.Text.Json;
using Nono.Core.Snapshots;

namespace Nono.Core.Tests.Snapshots;

public sealed class SnapshotDiffTests
{
    [Fact]
    public async Task Diff_EveryKindOfChange_ReportsKindsSizeDeltasAndContent()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SnapshotFixture fx = new();
        File.WriteAllText(fx.Path("edit.txt"), "one\ntwo\nthree\n");
        File.WriteAllText(fx.Path("gone.txt"), "bye\n");
        File.WriteAllBytes(fx.Path("blob.bin"), [0, 1, 2, 3]);
        File.WriteAllText(fx.Path("mode.sh"), "echo\n");
        SnapshotSession session = fx.Begin();
        await session.TakeSnapshotAsync(cancellationToken: ct);
        File.WriteAllText(fx.Path("edit.txt"), "one\n2\nthree\nfour\n");
        File.Delete(fx.Path("gone.txt"));
        File.WriteAllBytes(fx.Path("blob.bin"), [0, 1, 2, 3, 4, 5]);
        File.SetUnixFileMode(fx.Path("mode.sh"), (UnixFileMode)0b111_101_101);
        File.WriteAllText(fx.Path("new.txt"), "hello\n");
        await session.TakeSnapshotAsync(cancellationToken: ct);

        SnapshotDiff diff = await session.DiffAsync(0, 1, includeContent: true, ct);

        Dictionary<string, SnapshotChange> byPath = diff.Changes.ToDictionary(c => c.Path);
        Assert.Equal(["blob.bin", "edit.txt", "gone.txt", "mode.sh", "new.txt"], byPath.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(ChangeKind.Modified, byPath["edit.txt"].Kind);
        Assert.Equal(3, byPath["edit.txt"].SizeDelta);
        Assert.Equal("--- a/edit.txt\n+++ b/edit.txt\n@@ -1,3 +1,4 @@\n one\n-two\n+2\n three\n+four\n", byPath["edit.txt"].Diff);
        Assert.Equal(ChangeKind.Deleted, byPath["gone.txt"].Kind);
        Assert.Equal(-4, byPath["gone.txt"].SizeDelta);
        Assert.Equal("Binary files differ (4 -> 6 bytes)", byPath["blob.bin"].Diff);
        Assert.Equal(ChangeKind.ModeChanged, byPath["mode.sh"].Kind);
        Assert.Equal(Convert.ToUInt32("644", 8), byPath["mode.sh"].OldMode);
        Assert.Equal(Convert.ToUInt32("755", 8), byPath["mode.sh"].NewMode);
        Assert.Null(byPath["mode.sh"].Diff);
        Assert.Equal(ChangeKind.Created, byPath["new.txt"].Kind);
        Assert.Equal("--- /dev/null\n+++ b/new.txt\n@@ -0,0 +1,1 @@\n+hello\n", byPath["new.txt"].Diff);
        Assert.Equal("1 created, 2 modified, 1 deleted, 1 mode changed (+7 bytes)", diff.Summary());
    }

    [Fact]
    public async Task Diff_ToJson_IsParseableWithKindsAsStrings()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SnapshotFixture fx = new();
        SnapshotSession session = fx.Begin();
        await session.TakeSnapshotAsync(cancellationToken: ct);
        File.WriteAllText(fx.Path("a.txt"), "x\n");
        await session.TakeSnapshotAsync(cancellationToken: ct);

        using JsonDocument doc = JsonDocument.Parse((await session.DiffAsync(0, 1, cancellationToken: ct)).ToJson());

        JsonElement change = Assert.Single(doc.RootElement.GetProperty("changes").EnumerateArray());
        Assert.Equal("Created", change.GetProperty("kind").GetString());
        Assert.Equal("a.txt", change.GetProperty("path").GetString());
        Assert.Equal(2, change.GetProperty("sizeDelta").GetInt64());
        Assert.Equal(1, doc.RootElement.GetProperty("created").GetInt32());
    }

    [Fact]
    public void UnifiedDiff_DistantChanges_ProducesSeparateHunks()
    {
        string old = string.Join('\n', Enumerable.Range(1, 20)) + "\n";
        string now = old.Replace("\n2\n", "\nTWO\n", StringComparison.Ordinal).Replace("\n18\n", "\nEIGHTEEN\n", StringComparison.Ordinal);

        string diff = UnifiedDiff.Render("a/x", "b/x", old, now);

        Assert.Equal(2, diff.Split('\n').Count(l => l.StartsWith("@@", StringComparison.Ordinal)));
        Assert.Contains("@@ -1,5 +1,5 @@\n 1\n-2\n+TWO\n 3\n", diff, StringComparison.Ordinal);
        Assert.Contains("@@ -15,6 +15,6 @@\n 15\n 16\n 17\n-18\n+EIGHTEEN\n 19\n 20\n", diff, StringComparison.Ordinal);
    }
}
