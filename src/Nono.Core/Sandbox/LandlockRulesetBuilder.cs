using Nono.Core.Sandbox.Interop;

namespace Nono.Core.Sandbox;

/// <summary>Creates the Landlock ruleset fd for a plan (in the parent; the child only restricts itself with it).</summary>
internal static class LandlockRulesetBuilder
{
    /// <summary>The ruleset, or null when the plan runs without Landlock.</summary>
    public static SafeFdHandle? Build(SandboxPlan plan)
    {
        if (plan.LandlockAbi < 1)
        {
            return null;
        }

        SafeFdHandle ruleset = Interop.Interop.LandlockCreateRuleset((ulong)plan.HandledFs, plan.HandledNet, plan.Scoped, plan.LandlockAbi);
        try
        {
            // Taken again now: what matters is also which inodes the denies are when the rules are attached.
            HashSet<FileIdentity>? denied = plan.CarvedDenies.Count == 0 ? null : DeniedIdentities.Collect(plan.CarvedDenies, [.. plan.CarvedDenyIdentities]);
            foreach (LandlockPathRule rule in plan.PathRules)
            {
                using SafeFdHandle? fd = rule.Listed ? OpenListed(rule, denied) : Interop.Interop.OpenPath(rule.Path);
                if (fd is null)
                {
                    continue; // a listed entry removed or replaced since the plan, or a denied inode: nothing is granted
                }

                Interop.Interop.LandlockAddPathRule(ruleset, fd, (ulong)rule.Access, rule.Path);
            }

            foreach (int port in plan.ConnectPorts)
            {
                Interop.Interop.LandlockAddNetRule(ruleset, LandlockRights.NetConnectTcp, port);
            }

            foreach (int port in plan.BindPorts)
            {
                Interop.Interop.LandlockAddNetRule(ruleset, LandlockRights.NetBindTcp, port);
            }

            return ruleset;
        }
        catch
        {
            ruleset.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens a listed sibling unless it is gone, changed kind, or is the inode of a carved deny or of a directory above
    /// one. Limitation: only the last component is opened without following links; a directory earlier in the path
    /// replaced by a link after the plan is still followed, so the rule can land on an inode elsewhere (never on a
    /// denied one, which the identity check refuses wherever it is reached from).
    /// </summary>
    private static SafeFdHandle? OpenListed(LandlockPathRule rule, HashSet<FileIdentity>? denied)
    {
        SafeFdHandle? fd = Interop.Interop.TryOpenListedEntry(rule.Path, !rule.IsFile, out FileIdentity identity);
        if (fd is not null && denied is not null && denied.Contains(identity))
        {
            fd.Dispose();
            return null;
        }

        return fd;
    }
}
