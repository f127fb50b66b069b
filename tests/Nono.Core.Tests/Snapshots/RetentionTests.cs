using Nono.Core.Snapshots;

namespace Nono.Core.Tests.Snapshots;

public sealed class RetentionTests
{
    [Fact]
    public async Task Cleanup_KeepAndAge_RemovesSessionsAndOnlyUnreferencedObjects()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SnapshotFixture fx = new();
        ManualTimeProvider clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        SnapshotStore store = SnapshotStore.Open(fx.StateRoot, clock);
        File.WriteAllText(fx.Path("shared"), "kept by every session");
        for (int i = 0; i < 4; i++)
        {
            File.WriteAllText(fx.Path("unique"), $"only in session {i}");
            await SnapshotSession.Begin(store, $"s{i}", [fx.Root], new SnapshotOptions()).TakeSnapshotAsync(cancellationToken: ct);
            clock.Now += TimeSpan.FromDays(1);
        }

        RetentionResult dry = await store.CleanupAsync(new RetentionPolicy { KeepCount = 2 }, dryRun: true, ct);
        Assert.Equal(4, store.ListSessions().Count);
        RetentionResult kept = await store.CleanupAsync(new RetentionPolicy { KeepCount = 2 }, cancellationToken: ct);
        RetentionResult aged = await store.CleanupAsync(new RetentionPolicy { OlderThan = TimeSpan.FromDays(1.5) }, cancellationToken: ct);

        Assert.Equal(["s0", "s1"], dry.RemovedSessions);
        Assert.Equal(["s0", "s1"], kept.RemovedSessions);
        Assert.Equal(2, kept.RemovedObjects);
        Assert.Equal(["s2"], aged.RemovedSessions);
        SnapshotSession last = Assert.Single(store.ListSessions()) is { } only ? store.OpenSession(only.Id) : throw new InvalidOperationException();
        Assert.Equal("s3", last.Id);
        Assert.True((await last.VerifyAsync(ct)).Ok);
    }

    [Fact]
    public async Task Cleanup_MaxTotalBytes_RemovesOldestUntilItFits()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SnapshotFixture fx = new();
        ManualTimeProvider clock = new(DateTimeOffset.UnixEpoch);
        SnapshotStore store = SnapshotStore.Open(fx.StateRoot, clock);
        Random rng = new(3);
        for (int i = 0; i < 3; i++)
        {
            byte[] noise = new byte[10_000];
            rng.NextBytes(noise);
            File.WriteAllBytes(fx.Path("noise"), noise);
            await SnapshotSession.Begin(store, $"s{i}", [fx.Root], new SnapshotOptions()).TakeSnapshotAsync(cancellationToken: ct);
            clock.Now += TimeSpan.FromHours(1);
        }

        RetentionResult result = await store.CleanupAsync(new RetentionPolicy { MaxTotalBytes = 15_000 }, cancellationToken: ct);

        Assert.Equal(["s0", "s1"], result.RemovedSessions);
        Assert.True(result.KeptBytes <= 15_000);
    }
}
