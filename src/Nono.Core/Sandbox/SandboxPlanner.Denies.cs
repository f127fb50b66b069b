using System.IO.Enumeration;
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
            List<FsGrant> next = new(grants.Count);
            foreach (FsGrant grant in grants)
            {
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
            List<(string Name, string FullName, bool IsDirectory)> entries;
            try
            {
                entries = Entries(current);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                problems.Add($"cannot list {current} to carve deny {deny.Path} out of grant {grant.Path}: {ex.Message}");
                return result;
            }

            entries.Sort((x, y) => string.CompareOrdinal(x.Name, y.Name));
            foreach ((string name, string fullName, bool isDirectory) in entries)
            {
                if (!string.Equals(name, component, StringComparison.Ordinal))
                {
                    result.Add(new FsGrant(fullName, grant.Access, !isDirectory, source));
                }
            }

            current = Path.Combine(current, component);
        }

        notes.Add($"deny {deny.Path} [{deny.Source}] carved out of grant {grant.Path}: no entry can be listed, created, removed or renamed directly in {string.Join(", ", expanded)}");
        return result;
    }

    /// <summary>
    /// The entries of <paramref name="directory"/> except symbolic links, typed from the directory listing itself
    /// (no stat or readlink per entry). A symlink needs no rule: Landlock checks the target where it really lives,
    /// exactly as under the original grant; following it here would grant its target instead.
    /// </summary>
    private static List<(string Name, string FullName, bool IsDirectory)> Entries(string directory)
    {
        EnumerationOptions options = new() { AttributesToSkip = 0, IgnoreInaccessible = false, RecurseSubdirectories = false };
        FileSystemEnumerable<(string, string, bool)> listing = new(
            directory,
            (ref FileSystemEntry entry) => (entry.FileName.ToString(), entry.ToFullPath(), entry.IsDirectory),
            options)
        {
            ShouldIncludePredicate = (ref FileSystemEntry entry) => (entry.Attributes & FileAttributes.ReparsePoint) == 0,
        };
        return [.. listing];
    }
}
