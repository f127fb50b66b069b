using Nono.Core.Capabilities;

namespace Nono.Core.Sandbox;

public static partial class SandboxPlanner
{
    /// <summary>
    /// Landlock can only add rights, never subtract. A deny equal to or above a grant removes the grant; a deny
    /// strictly inside a directory grant replaces the grant by grants on every sibling along the way from the
    /// grant down to the deny. The directories on that way get no rule of their own, so nothing can be listed,
    /// created, removed or renamed directly in them.
    /// </summary>
    private static List<FsGrant> ApplyDenies(CapabilitySet capabilities, List<string> notes, List<string> problems)
    {
        List<FsGrant> grants = [.. capabilities.Grants];

        // One pass per deny is enough: every grant that contains the deny is replaced by siblings that do not,
        // and grants produced for a later deny lie inside grants that no longer contain an earlier one.
        foreach (FsDeny deny in capabilities.Denies)
        {
            // Most grants are unrelated to a given deny (a carved grant leaves thousands of siblings, and a profile has
            // dozens of denies): the list is rebuilt only from the first grant the deny touches.
            int first = grants.FindIndex(grant => IsRelated(grant, deny));
            if (first < 0)
            {
                continue;
            }

            List<FsGrant> next = grants.GetRange(0, first);
            for (int i = first; i < grants.Count; i++)
            {
                FsGrant grant = grants[i];
                if (SandboxPath.IsSameOrAncestor(deny.Path, grant.Path))
                {
                    notes.Add($"grant {grant.Path} [{grant.Source}] removed: deny {deny.Path} [{deny.Source}] covers it");
                }
                else if (!grant.IsFile && SandboxPath.IsStrictAncestor(grant.Path, deny.Path))
                {
                    next.AddRange(Expand(grant, deny, notes, problems));
                }
                else
                {
                    next.Add(grant);
                }
            }

            grants = next;
        }

        return grants;
    }

    /// <summary>Whether <paramref name="deny"/> removes or carves <paramref name="grant"/>.</summary>
    private static bool IsRelated(FsGrant grant, FsDeny deny) =>
        SandboxPath.IsSameOrAncestor(deny.Path, grant.Path) || (!grant.IsFile && SandboxPath.IsSameOrAncestor(grant.Path, deny.Path));

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
