using System.Runtime;

namespace Nono.Core.Sandbox;

/// <summary>
/// The no-GC region every fork runs in (see <c>SandboxLauncher.ForkWithoutGc</c>). It starts without a collection and is
/// left open after the fork; this class decides, per fork, whether the open region still has room or a new one is needed,
/// and bounds the garbage that regions let pile up (docs/notes/s8-startup.md, "Review fixes").
/// </summary>
/// <remarks>
/// A region started with <c>disallowFullBlockingGC</c> extends the heap instead of collecting; a region ends with a GC only
/// once the process has allocated its whole budget. Restarting it at every fork would reset that budget each time, so a
/// process that forks with less than the budget allocated in between would never collect. Hence: a fork reuses the open
/// region while less than half the budget has been used since it started (the other half covers the fork window), and
/// once more than a budget has been allocated since this class last collected, the next start is preceded by a full GC
/// (a start that is merely allowed to collect does not, as the heap the earlier regions extended has room). Garbage
/// between collections is thus bounded by about two budgets however many forks happen; a process that forks once, like
/// <c>nono run</c>, never collects here. Callers hold the fork lock.
/// </remarks>
internal static class ForkGcRegion
{
    /// <summary>Allocation budget of the region: plenty for the other threads in the fork window.</summary>
    internal const long BudgetBytes = 32L * 1024 * 1024;

    private static long s_allocatedAtRegionStart = -1;
    private static long s_allocatedAtLastCollection;

    /// <summary>Makes sure a no-GC region with at least half its budget left is open (unless the memory cannot be had).</summary>
    internal static void Enter()
    {
        long allocated = GC.GetTotalAllocatedBytes(precise: false);
        bool open = GCSettings.LatencyMode == GCLatencyMode.NoGCRegion;
        if (open && s_allocatedAtRegionStart >= 0 && allocated - s_allocatedAtRegionStart < BudgetBytes / 2)
        {
            return;
        }

        if (open)
        {
            try
            {
                GC.EndNoGCRegion();
            }
            catch (InvalidOperationException)
            {
                // A GC ended it between the check and the call (an allocation past the budget, or an induced one): it is over.
            }
        }

        if (allocated - s_allocatedAtLastCollection >= BudgetBytes)
        {
            // A start that may collect is not enough: the heap the earlier regions extended has room, so it would not.
            GC.Collect();
            s_allocatedAtLastCollection = allocated;
        }

        // The minimal start commits the budget without collecting; under a heap hard limit it can fail where a start
        // that collects first succeeds (the rare case that pays the full GC).
        bool started = GC.TryStartNoGCRegion(BudgetBytes, disallowFullBlockingGC: true) || GC.TryStartNoGCRegion(BudgetBytes);

        // Not started: the fork goes ahead unprotected, as it always could; the launcher's alive check and retry cover it.
        s_allocatedAtRegionStart = started ? GC.GetTotalAllocatedBytes(precise: false) : -1;
    }
}
