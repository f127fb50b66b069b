namespace Nono.Core.Snapshots;

public sealed partial class SnapshotSession
{
    /// <summary>
    /// Excluded paths are compared by metadata only. A file changed again within the clock tick of its last change keeps its
    /// ctime (the kernel stamps with a coarse clock, ticks of up to 10 ms), so a same-size rewrite right after this snapshot
    /// could go unseen. Returning only once the clock is a safe margin past the latest ctime seen makes every later change
    /// get a later ctime. It waits only when something under an excluded path changed in the last few milliseconds.
    /// </summary>
    private static void WaitPastTimestampTick(long latestCtimeNs)
    {
        const long MarginNs = 20_000_000; // two ticks at HZ=100, the coarsest clock Linux has
        for (int i = 0; i < 10; i++)
        {
            long nowNs = (TimeProvider.System.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100;
            long waitNs = latestCtimeNs + MarginNs - nowNs;
            if (waitNs <= 0 || waitNs > 10 * MarginNs)
            {
                return; // past it; or a ctime far in the future (the clock was set back): waiting would not help
            }

            Thread.Sleep(TimeSpan.FromTicks((waitNs / 100) + 1));
        }
    }
}
