namespace Nono.Core.Sandbox;

/// <summary>
/// Where the metadata supervisor performs mode, owner, time and xattr calls: inside the plan's writable Landlock rules
/// (carving already left the denies out of them), compared component by component with the path the kernel reports for
/// the opened object. A file rule covers only that regular file: a device node granted as a file (/dev/null) keeps its
/// mode and owner, as it would without a grant.
/// </summary>
internal sealed class MetadataGrants
{
    private readonly List<string> _directories = [];
    private readonly List<string> _files = [];

    private MetadataGrants()
    {
    }

    /// <summary>
    /// The plan's rules with WRITE_FILE, as planned. Their paths have no link (the planner refuses a grant with one, and
    /// a listing leaves links out), so they are not resolved again here: a carved sibling swapped for a link since the plan
    /// (which the ruleset builder skips) would otherwise put the link's target among the grants.
    /// </summary>
    public static MetadataGrants From(SandboxPlan plan)
    {
        MetadataGrants grants = new();
        foreach (LandlockPathRule rule in plan.PathRules)
        {
            if ((rule.Access & LandlockFs.WriteFile) == 0)
            {
                continue;
            }

            (rule.IsFile ? grants._files : grants._directories).Add(rule.Path);
        }

        return grants;
    }

    /// <summary>Whether the object at <paramref name="path"/> (absolute, canonical: as the kernel reports it) is inside a writable grant.</summary>
    public bool Contains(string path, bool regularFile) =>
        _directories.Any(d => SandboxPath.IsSameOrAncestor(d, path))
        || (regularFile && _files.Any(f => SandboxPath.IsSame(f, path)));
}
