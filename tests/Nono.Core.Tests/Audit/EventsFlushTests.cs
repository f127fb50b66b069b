using Nono.Core.Audit;

namespace Nono.Core.Tests.Audit;

/// <summary>
/// The completion's helper flush: the caller can go on once the first flush is done (the events fsync, before the rename)
/// while the second (the audit root's fsync) still runs, and it only waits for that before the ledger entry.
/// </summary>
public sealed class EventsFlushTests
{
    [Fact]
    public void WaitFirst_SecondStillRunning_ReturnsAndWaitWaitsForTheSecond()
    {
        using ManualResetEventSlim release = new();
        bool firstRan = false;
        bool secondDone = false;
        using EventsFlush flush = EventsFlush.Start(() => firstRan = true, () =>
        {
            release.Wait(TestContext.Current.CancellationToken);
            secondDone = true;
        });

        flush.WaitFirst(); // would hang if it waited for the second, which waits for the release below

        Assert.True(firstRan);
        Assert.False(secondDone);
        release.Set();
        flush.Wait();
        Assert.True(secondDone);
    }

    [Fact]
    public void WaitFirst_FirstFailed_RethrowsAndTheSecondNeverRuns()
    {
        bool secondRan = false;
        using EventsFlush flush = EventsFlush.Start(() => throw new IOException("events fsync failed"), () => secondRan = true);

        IOException first = Assert.Throws<IOException>(flush.WaitFirst);
        IOException again = Assert.Throws<IOException>(flush.Wait);

        Assert.Equal("events fsync failed", first.Message);
        Assert.Same(first, again);
        Assert.False(secondRan);
    }

    [Fact]
    public void Wait_SecondFailed_RethrowsItAfterTheFirstSucceeded()
    {
        using EventsFlush flush = EventsFlush.Start(() => { }, () => throw new IOException("audit root fsync failed"));

        flush.WaitFirst();
        IOException second = Assert.Throws<IOException>(flush.Wait);

        Assert.Equal("audit root fsync failed", second.Message);
    }
}
