using Nono.Core.Sandbox.Interop;

namespace Nono.Core.Sandbox;

/// <summary>Creates the Landlock ruleset fd for a plan (in the parent; the child only restricts itself with it).</summary>
internal static class LandlockRulesetBuilder
{
    /// <summary>
    /// The ruleset, or null when the plan runs without Landlock. <paramref name="granted"/>, when given, receives the inode
    /// each rule was attached to, by path (a rule skipped here grants nothing and has no entry): the pidns init binds the
    /// writable grants onto themselves only when it reaches these same inodes (<see cref="ChildInit"/>).
    /// </summary>
    public static SafeFdHandle? Build(SandboxPlan plan, Dictionary<string, FileIdentity>? granted = null)
    {
        if (plan.LandlockAbi < 1 || !OperatingSystem.IsLinux())
        {
            return null;
        }

        SafeFdHandle ruleset = Interop.Interop.LandlockCreateRuleset((ulong)plan.HandledFs, plan.HandledNet, plan.Scoped, plan.LandlockAbi);
        try
        {
            // Taken again now: what matters is also which inodes the denies are when the rules are attached.
            ListedCheck? check = plan.CarvedDenies.Count == 0 ? null : new(plan.CarvedDenies, plan.CarvedDenyRoots, DeniedIdentities.Collect(plan.CarvedDenies, [.. plan.CarvedDenyIdentities]));
            // Every path opened by name is resolved beneath this one open of "/" (two calls fewer per rule).
            using Snapshots.Native.SafeFd root = Snapshots.Native.Fs.OpenRootForLookup();
            using CarvedDirectoryWalk walk = new(root);
            foreach (LandlockPathRule rule in plan.PathRules)
            {
                FileIdentity identity;
                using SafeFdHandle? fd = rule.ListedIn is CarvedDirectory directory ? OpenListed(rule, directory, walk, check, out identity) : OpenPlanned(root, rule, out identity);
                if (fd is null)
                {
                    continue; // a listed entry removed or replaced since the plan, or a denied inode: nothing is granted
                }

                if (granted is not null && !granted.TryAdd(rule.Path, identity) && granted[rule.Path] != identity)
                {
                    throw ChangedSincePlan(rule.Path, "another file or directory was moved onto its name");
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
    /// Opens a rule's path without following a link in any component and checks it is the inode the plan reached: a
    /// directory swapped for a link (or another directory moved onto its name) since the plan refuses the run instead of
    /// granting whatever it points at now (review S6). Running again plans afresh.
    /// </summary>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private static SafeFdHandle OpenPlanned(Snapshots.Native.SafeFd root, LandlockPathRule rule, out FileIdentity identity)
    {
        SafeFdHandle? fd = Interop.Interop.TryOpenWithoutLinks(root, rule.Path, out identity, out int errno);
        if (fd is null)
        {
            if (errno == (int)Interop.Interop.Errno.ELOOP)
            {
                throw ChangedSincePlan(rule.Path, "a component of its path is now a symbolic link");
            }

            Interop.Interop.ThrowSetupFailed("open(O_PATH, no symbolic links)", errno, rule.Path);
        }

        if (rule.Identity is { } planned && planned != identity)
        {
            fd.Dispose();
            throw ChangedSincePlan(rule.Path, "another file or directory was moved onto its name");
        }

        return fd;
    }

    /// <summary>The refusal for a rule's path that no longer names what the plan saw.</summary>
    internal static Diagnostics.NonoException ChangedSincePlan(string path, string what) => new(
        Diagnostics.NonoErrorCode.SandboxSetupFailed,
        $"{path} changed after the plan ({what}); refusing to run, the rule would not land where the plan put it",
        path);

    /// <summary>
    /// Opens a listed sibling by its name in the directory it was listed in (reached from the grant without following a
    /// link, each level checked against the plan: <see cref="CarvedDirectoryWalk"/>), unless it is gone, changed kind,
    /// is the inode of a carved deny or of a directory above one, or has more than one hard link and may be another name
    /// of a file inside a denied directory (the plan withheld those it saw; this catches one made since).
    /// </summary>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private static SafeFdHandle? OpenListed(LandlockPathRule rule, CarvedDirectory directory, CarvedDirectoryWalk walk, ListedCheck? check, out FileIdentity identity)
    {
        SafeFdHandle? fd = Interop.Interop.TryOpenListedEntry(walk.Open(directory), directory.EntryName(rule.Path), !rule.IsFile, out identity, out uint links);
        if (fd is not null && check is not null && !check.Allows(identity, links))
        {
            fd.Dispose();
            return null;
        }

        return fd;
    }

    /// <summary>The denied inodes, and the denied trees' multiply-linked files (walked on the first sibling that needs it).</summary>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private sealed class ListedCheck(IReadOnlyList<string> carvedDenies, IReadOnlyDictionary<string, FileIdentity> roots, HashSet<FileIdentity> denied)
    {
        private readonly Dictionary<ulong, DeniedLinks> _links = []; // one walk per device of a multiply-linked sibling

        public bool Allows(FileIdentity identity, uint linkCount)
        {
            if (denied.Contains(identity))
            {
                return false;
            }

            if (linkCount <= 1)
            {
                return true;
            }

            if (!_links.TryGetValue(identity.Device, out DeniedLinks? links))
            {
                _links[identity.Device] = links = DeniedLinks.Scan(carvedDenies, roots, new HashSet<ulong> { identity.Device });
            }

            return links.Refuses(identity) is null;
        }
    }
}
