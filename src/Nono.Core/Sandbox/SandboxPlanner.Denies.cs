using Nono.Core.Capabilities;

namespace Nono.Core.Sandbox;

public static partial class SandboxPlanner
{
    /// <summary>
    /// Landlock can only add rights, never subtract. A deny equal to or above a grant removes the grant; a deny
    /// strictly inside a directory grant replaces the grant by grants on every sibling along the way from the
    /// grant down to the deny. The directories on that way get no rule of their own, so nothing can be listed,
    /// created, removed or renamed directly in them. The sibling grants are added to <paramref name="listed"/>: what a
    /// listing found may be gone or replaced by the time the ruleset is built, and is opened accordingly; each deny
    /// carved is added to <paramref name="carved"/>, so the builder can keep its inode out of the sibling rules.
    /// </summary>
    private static List<FsGrant> ApplyDenies(CapabilitySet capabilities, HashSet<FsGrant> listed, List<string> carved, List<string> notes, List<string> problems)
    {
        // Every deny meets every grant, and a carved grant leaves thousands of siblings: both sides are compared by
        // their normalised path (one ordinal prefix test), and the list is edited in place where a deny touches it.
        List<(FsGrant Grant, string Key)> grants = new(capabilities.Grants.Count);
        foreach (FsGrant grant in capabilities.Grants)
        {
            grants.Add((grant, SandboxPath.Normalize(grant.Path)));
        }

        // One pass per deny is enough: every grant that contains the deny is replaced by siblings that do not,
        // and grants produced for a later deny lie inside grants that no longer contain an earlier one.
        foreach (FsDeny deny in capabilities.Denies)
        {
            string denyKey = SandboxPath.Normalize(deny.Path);
            bool carvedThisDeny = false;
            int i = 0;
            while (i < grants.Count)
            {
                (FsGrant grant, string key) = grants[i];
                if (SandboxPath.IsSameOrAncestorNormalized(denyKey, key))
                {
                    notes.Add($"grant {grant.Path} [{grant.Source}] removed: deny {deny.Path} [{deny.Source}] covers it");
                    grants.RemoveAt(i);
                }
                else if (!grant.IsFile && SandboxPath.IsSameOrAncestorNormalized(key, denyKey))
                {
                    List<FsGrant> siblings = Expand(grant, deny, notes, problems);
                    grants.RemoveAt(i);
                    (FsGrant, string)[] keyed = new (FsGrant, string)[siblings.Count];
                    for (int k = 0; k < keyed.Length; k++)
                    {
                        keyed[k] = (siblings[k], SandboxPath.Normalize(siblings[k].Path));
                    }

                    grants.InsertRange(i, keyed);
                    listed.UnionWith(siblings);
                    if (!carvedThisDeny)
                    {
                        carved.Add(deny.Path);
                        carvedThisDeny = true;
                    }

                    i += siblings.Count; // in place of the grant, already clear of this deny
                }
                else
                {
                    i++;
                }
            }
        }

        List<FsGrant> result = new(grants.Count);
        foreach ((FsGrant grant, _) in grants)
        {
            result.Add(grant);
        }

        return result;
    }

    private static List<FsGrant> Expand(FsGrant grant, FsDeny deny, List<string> notes, List<string> problems)
    {
        List<FsGrant> result = [];
        string source = $"{grant.Source}, carved around deny {deny.Path}";
        string[] below = SandboxPath.Components(deny.Path)[SandboxPath.Components(grant.Path).Length..];
        string current = grant.Path;
        List<string> expanded = [];
        foreach (string component in below)
        {
            if (!Directory.Exists(current) || new DirectoryInfo(current).LinkTarget is not null)
            {
                break;
            }

            expanded.Add(current);
            List<ListedEntry> entries;
            try
            {
                entries = DirectoryListing.Read(current);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                problems.Add($"cannot list {current} to carve deny {deny.Path} out of grant {grant.Path}: {ex.Message}");
                return result;
            }

            // Every full name starts with the same "current/", so ordering by it orders by name.
            entries.Sort((x, y) => string.CompareOrdinal(x.FullName, y.FullName));
            string onTheWay = Path.Join(current, component);
            foreach ((string fullName, bool isDirectory) in entries)
            {
                if (!string.Equals(fullName, onTheWay, StringComparison.Ordinal))
                {
                    result.Add(new FsGrant(fullName, grant.Access, !isDirectory, source));
                }
            }

            current = onTheWay;
        }

        notes.Add($"deny {deny.Path} [{deny.Source}] carved out of grant {grant.Path}: no entry can be listed, created, removed or renamed directly in {string.Join(", ", expanded)}");
        return result;
    }
}
