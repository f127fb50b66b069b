namespace Nono.Core.Sandbox;

public sealed partial record SandboxPlan
{
    /// <summary>
    /// POSIX shared memory and named semaphores (shm_open, sem_open) are files in /dev/shm, not IPC-namespace objects: only
    /// the pidns containment puts a private tmpfs there (when a writable grant covers it). Everywhere else a grant that
    /// reaches /dev/shm reaches the host's, with the host user's objects in it (review of s13-userns): said plainly in the
    /// plan. Not withheld: Python's multiprocessing locks and queues, and many test runners, need sem_open.
    /// </summary>
    internal string? SharedShmLine()
    {
        if (Containment == ProcessContainment.PidNamespace && WritableMounts.CoversShm(PathRules))
        {
            return null;
        }

        LandlockPathRule[] reaching = [.. PathRules.Where(r => SandboxPath.IsSameOrAncestor(r.Path, WritableMounts.Shm) || SandboxPath.IsStrictAncestor(WritableMounts.Shm, r.Path))];
        if (reaching.Length == 0)
        {
            return null;
        }

        bool writes = reaching.Any(r => (r.Access & LandlockFs.WriteFile) != 0);
        return $"ipc: {WritableMounts.Shm} is SHARED with the host in this containment: POSIX shared memory and semaphores (shm_open, sem_open) "
            + $"of the host's processes of this user are {(writes ? "readable and writable" : "readable")} through the grant (only pidns makes it private)";
    }
}
