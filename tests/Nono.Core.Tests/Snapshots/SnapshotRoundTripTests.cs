using Nono.Core.Snapshots;
using Nono.Testing;

namespace Nono.Core.Tests.Snapshots;

public sealed class SnapshotRoundTripTests
{
    public static TheoryData<int> Seeds()
    {
        TheoryData<int> data = [];
        for (int seed = 1; seed <= 30; seed++)
        {
            data.Add(seed);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Restore_AfterRandomEdits_MatchesBothListingsExactly(int seed)
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TempDirectory temp = new();
        string root = temp.Combine("ws");
        RandomTree tree = new(root, seed);
        tree.Build(25);
        string before = await TreeListing.CaptureAsync(root);
        SnapshotSession session = SnapshotSession.Begin(SnapshotStore.Open(temp.Combine("state")), "s" + seed, [root], new SnapshotOptions { PackSmallObjects = seed % 3 != 0 }); // every third seed: loose objects only
        await session.TakeSnapshotAsync("baseline", cancellationToken: ct);

        tree.Mutate(12);
        string after = await TreeListing.CaptureAsync(root);
        await session.TakeSnapshotAsync("final", cancellationToken: ct);
        RestoreResult back = await session.RestoreAsync(0, cancellationToken: ct);
        string restored = await TreeListing.CaptureAsync(root);
        await session.RestoreAsync(1, cancellationToken: ct);
        string forward = await TreeListing.CaptureAsync(root);
        RestoreResult again = await session.RestoreAsync(1, cancellationToken: ct);

        Assert.Equal(before, restored);
        Assert.Equal(after, forward);
        Assert.Empty(again.Actions);
        Assert.Equal(before == after, back.Actions.Count == 0);
    }
}
