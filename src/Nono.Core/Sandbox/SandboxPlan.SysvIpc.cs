namespace Nono.Core.Sandbox;

public sealed partial record SandboxPlan
{
    /// <summary>/proc's listing of System V IPC objects (shm, sem, msg).</summary>
    internal const string SysvIpcListing = "/proc/sysvipc";

    /// <summary>
    /// /proc/sysvipc lists the System V IPC objects of the reader's IPC namespace. In cgroup and direct-child without the
    /// netns tier that is the host's: the IPC calls are refused, but a grant that reaches /proc/sysvipc still shows the
    /// objects (keys, ids, owners, modes, sizes, the pids that made and last used them; not their contents). Landlock
    /// cannot take it out of a /proc grant: carving /proc would leave the command's own /proc/PID entries (made after the
    /// rules) without a rule, and /proc/self with them. Said plainly in the plan rather than claimed denied.
    /// </summary>
    internal string? SysvIpcListingLine()
    {
        if (Containment == ProcessContainment.PidNamespace || NetworkTier == NetworkTier.IsolatedNamespace)
        {
            return null; // a private IPC namespace: the listing shows the sandbox's own objects
        }

        foreach (LandlockPathRule rule in PathRules)
        {
            if ((rule.Access & LandlockFs.ReadFile) != 0 && SandboxPath.IsSameOrAncestor(rule.Path, SysvIpcListing))
            {
                return $"ipc: {SysvIpcListing} is readable through the grant {rule.Path} and lists the HOST's System V IPC objects in this containment "
                    + "(keys, ids, owners, sizes; not their contents): Landlock cannot withhold it without withholding /proc/self (only pidns or the netns tier make it private)";
            }
        }

        return null;
    }
}
