namespace Nono.Core.Sandbox;

public static partial class SandboxPlanner
{
    /// <summary>
    /// The groups the sandboxed command will have: it inherits nono's real, effective and file-system gids and its
    /// supplementary groups (read from /proc/self/status), plus 0. A root process reads a file through any of them.
    /// </summary>
    internal static HashSet<uint> CommandGroups()
    {
        HashSet<uint> groups = [0];
        string status = File.ReadAllText("/proc/self/status");
        foreach (string? fields in (string?[])[NamespaceEvidence.StatusField(status, "Gid"), NamespaceEvidence.StatusField(status, "Groups")])
        {
            foreach (string field in (fields ?? "").Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
            {
                if (uint.TryParse(field, out uint gid))
                {
                    groups.Add(gid);
                }
            }
        }

        return groups;
    }
}
