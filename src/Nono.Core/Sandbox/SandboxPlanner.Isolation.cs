namespace Nono.Core.Sandbox;

public static partial class SandboxPlanner
{
    /// <summary>
    /// Whether the filter refuses user namespaces (unless <see cref="WeakerMode.NestedUserNamespaces"/>) and the System V
    /// IPC and POSIX message-queue calls (a containment without a private IPC namespace, unless
    /// <see cref="WeakerMode.SharedIpc"/>). The PID namespace containment and the network-namespace tier clone the command
    /// into a private IPC namespace, where those calls reach only the sandbox's own objects. An opt-in that weakens nothing
    /// here (no seccomp, or a private IPC namespace) is not listed as in force.
    /// </summary>
    private static (bool RefusesUserNamespaces, bool RefusesSharedIpc) PlanIsolation(EnforcementOptions options, NetworkTier networkTier, List<WeakerMode> weaker)
    {
        if (!options.Support.SeccompFilter)
        {
            return (false, false);
        }

        bool nestedUserNamespaces = options.AllowedWeakerModes.Contains(WeakerMode.NestedUserNamespaces);
        if (nestedUserNamespaces)
        {
            weaker.Add(WeakerMode.NestedUserNamespaces);
        }

        bool privateIpc = options.Containment == ProcessContainment.PidNamespace || networkTier == NetworkTier.IsolatedNamespace;
        bool sharedIpc = !privateIpc && options.AllowedWeakerModes.Contains(WeakerMode.SharedIpc);
        if (sharedIpc)
        {
            weaker.Add(WeakerMode.SharedIpc);
        }

        return (!nestedUserNamespaces, !privateIpc && !sharedIpc);
    }
}
