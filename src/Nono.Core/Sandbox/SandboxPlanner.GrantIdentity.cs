using Nono.Core.Capabilities;
using Nono.Core.Sandbox.Interop;

namespace Nono.Core.Sandbox;

public static partial class SandboxPlanner
{
    /// <summary>
    /// The inode <paramref name="grant"/>'s path reaches without following a link in any component, for the ruleset
    /// builder to check that it attaches the rule to the same one (a grant swapped for a link to another directory
    /// between the plan and the ruleset would otherwise be followed: review S6). Null when it cannot be opened now (the
    /// builder's own open reports that); a problem when a component is a link: the policy resolved every link, so one
    /// met now was put there since, and the rule would land elsewhere.
    /// </summary>
    private static FileIdentity? IdentityWithoutLinks(FsGrant grant, List<string> problems)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        using SafeFdHandle? fd = Interop.Interop.TryOpenWithoutLinks(grant.Path, out FileIdentity identity, out int errno);
        if (fd is not null)
        {
            return identity;
        }

        if (errno == (int)Interop.Interop.Errno.ELOOP)
        {
            problems.Add($"grant {grant.Path} now has a symbolic link in its path (it changed after the policy resolved it); the rule would not land on the directory named [{grant.Source}]");
        }

        return null;
    }
}
