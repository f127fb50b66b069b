namespace Nono.Core.Sandbox;

public static partial class SandboxPlanner
{
    /// <summary>
    /// Whether the supervisor answers the mode, owner, time and xattr calls (Landlock has no right for them), and else why
    /// they are not confined. Only where the filesystem is confined at all (Landlock and seccomp), by <c>nono run</c> in the
    /// cgroup and direct-child containments; the pidns containment confines them with its mounts.
    /// </summary>
    private static (bool Supervises, string? NotConfined) PlanMetadata(EnforcementOptions options, int abi, Action<bool, WeakerMode, string> require, List<WeakerMode> weaker)
    {
        if (abi < 1 || !options.Support.SeccompFilter || options.Containment == ProcessContainment.PidNamespace)
        {
            return (false, null);
        }

        if (options.AllowedWeakerModes.Contains(WeakerMode.UnrestrictedMetadata))
        {
            weaker.Add(WeakerMode.UnrestrictedMetadata);
            return (false, $"--allow-weaker {WeakerModes.Name(WeakerMode.UnrestrictedMetadata)}");
        }

        if (!options.MetadataSupervisor)
        {
            return (false, "nono wrap leaves no supervisor to check them; nono run refuses them outside the writable grants");
        }

        require(options.Support.SeccompUserNotification, WeakerMode.UnrestrictedMetadata,
            "seccomp user notification is not available, so mode, owner, time and xattr changes outside the writable grants cannot be refused");
        return (options.Support.SeccompUserNotification, null);
    }
}
