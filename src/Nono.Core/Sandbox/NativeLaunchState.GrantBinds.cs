using Nono.Core.Sandbox.Interop;

namespace Nono.Core.Sandbox;

// SAFETY: as NativeLaunchState.cs: GrantMountIdentities holds two ulongs per bind and GrantOpenScratch
// ChildInit.GrantOpenScratchSize zeroed bytes, both from _memory (freed only in Dispose, after the forks).
internal sealed unsafe partial class NativeLaunchState
{
    /// <summary>
    /// The refusal when the pidns init found a writable grant's path changed between the ruleset and its bind: a link in
    /// a component (<paramref name="link"/>), or another inode on the name. Binding it would make the link's target, or
    /// the moved-in tree, a writable mount, where mode, owner, time and xattr changes are no longer refused.
    /// </summary>
    internal static Diagnostics.NonoException GrantChangedBeforeBind(bool link) => new(
        Diagnostics.NonoErrorCode.SandboxSetupFailed,
        $"a writable grant changed after the plan ({(link ? "a component of its path is now a symbolic link" : "another file or directory was moved onto its name")}); "
        + "refusing to run, its writable mount would not land where the plan put it");

    /// <summary>
    /// The inode of each writable grant the init may bind, by path: those the ruleset was attached to
    /// (<paramref name="granted"/>), or, without a ruleset, each reached now without following a link.
    /// </summary>
    private static Dictionary<string, FileIdentity> GrantIdentities(IReadOnlyList<LandlockPathRule> rules, Dictionary<string, FileIdentity>? granted)
    {
        if (granted is not null || !OperatingSystem.IsLinux())
        {
            return granted ?? [];
        }

        Dictionary<string, FileIdentity> reached = new(StringComparer.Ordinal);
        foreach (LandlockPathRule rule in rules)
        {
            if (!WritableMounts.IsWritable(rule.Access))
            {
                continue;
            }

            using SafeFdHandle? fd = Interop.Interop.TryOpenWithoutLinks(rule.Path, out FileIdentity identity, out int errno);
            if (fd is null && errno == (int)Interop.Interop.Errno.ELOOP)
            {
                throw LandlockRulesetBuilder.ChangedSincePlan(rule.Path, "a component of its path is now a symbolic link");
            }

            if (fd is not null)
            {
                reached[rule.Path] = identity;
            }
        }

        return reached;
    }

    /// <summary>
    /// The rules without the writable ones that granted nothing (a listed entry gone, changed or denied when the ruleset
    /// was built): binding such a path would make a denied file's mode and owner changeable there.
    /// </summary>
    private static List<LandlockPathRule> GrantedRules(IReadOnlyList<LandlockPathRule> rules, Dictionary<string, FileIdentity> granted)
    {
        List<LandlockPathRule> kept = new(rules.Count);
        foreach (LandlockPathRule rule in rules)
        {
            if (!WritableMounts.IsWritable(rule.Access) || granted.ContainsKey(rule.Path))
            {
                kept.Add(rule); // plain loops on the launch path, as in PrepareContainment (docs/notes/s14-launch.md)
            }
        }

        return kept;
    }

    /// <summary>The binds' paths and the inodes the init must reach at them, and its scratch for opening them (ChildInit.BindGrants).</summary>
    private void PrepareGrantBinds(IReadOnlyList<string> binds, Dictionary<string, FileIdentity> granted)
    {
        ChildContext* c = Context;
        c->GrantMountCount = binds.Count;
        c->GrantMountPaths = _memory.Array(binds);
        c->GrantMountIdentities = (ulong*)_memory.Allocate((nuint)(2 * sizeof(ulong) * Math.Max(1, binds.Count)));
        for (int i = 0; i < binds.Count; i++)
        {
            FileIdentity identity = granted[binds[i]];
            c->GrantMountIdentities[2 * i] = identity.Device;
            c->GrantMountIdentities[(2 * i) + 1] = identity.Inode;
        }

        c->GrantOpenScratch = _memory.Allocate(ChildInit.GrantOpenScratchSize);
    }
}
