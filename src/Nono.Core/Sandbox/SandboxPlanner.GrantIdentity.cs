using Nono.Core.Capabilities;
using Nono.Core.Sandbox.Interop;
using SafeFd = Nono.Core.Snapshots.Native.SafeFd;

namespace Nono.Core.Sandbox;

public static partial class SandboxPlanner
{
    /// <summary>
    /// The Landlock rule of each grant that gets a right under <paramref name="handled"/>: a listed sibling with the
    /// directory it was listed in, any other with the inode its path reaches now (<see cref="IdentityWithoutLinks"/>, every
    /// path resolved beneath one open of "/").
    /// </summary>
    private static List<LandlockPathRule> PathRules(List<FsGrant> grants, CarveBook book, LandlockFs handled, List<string> problems)
    {
        List<LandlockPathRule> rules = new(grants.Count);
        SafeFd? root = null;
        try
        {
            foreach (FsGrant grant in grants)
            {
                LandlockFs access = RightsFor(grant, handled);
                if (access != LandlockFs.None)
                {
                    CarvedDirectory? listed = book.Listed.GetValueOrDefault(grant);
                    rules.Add(new LandlockPathRule(grant.Path, access, grant.IsFile, grant.Source, listed, listed is null ? IdentityWithoutLinks(grant, ref root, problems) : null));
                }
            }
        }
        finally
        {
            if (OperatingSystem.IsLinux())
            {
                root?.Dispose();
            }
        }

        return rules;
    }

    /// <summary>
    /// The inode <paramref name="grant"/>'s path reaches without following a link in any component, for the ruleset
    /// builder to check that it attaches the rule to the same one (a grant swapped for a link to another directory
    /// between the plan and the ruleset would otherwise be followed: review S6). Null when it cannot be opened now (the
    /// builder's own open reports that); a problem when a component is a link: the policy resolved every link, so one
    /// met now was put there since, and the rule would land elsewhere. <paramref name="root"/>: "/", opened on first use.
    /// </summary>
    private static FileIdentity? IdentityWithoutLinks(FsGrant grant, ref SafeFd? root, List<string> problems)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        root ??= Snapshots.Native.Fs.OpenRootForLookup();
        using SafeFdHandle? fd = Interop.Interop.TryOpenWithoutLinks(root, grant.Path, out FileIdentity identity, out int errno);
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
