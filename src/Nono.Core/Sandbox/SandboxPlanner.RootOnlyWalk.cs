using Nono.Core.Capabilities;
using FileStatus = Nono.Core.Snapshots.Native.FileStatus;
using RawName = Nono.Core.Snapshots.Native.RawName;

namespace Nono.Core.Sandbox;

public static partial class SandboxPlanner
{
    /// <summary>
    /// The groups the sandboxed command will have: it inherits nono's real, effective and file-system gids and its
    /// supplementary groups (read from /proc/self/status), plus 0. A root process reads a file through any of them.
    /// </summary>
    private static HashSet<uint> CommandGroups()
    {
        HashSet<uint> groups = [0];
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("Gid:", StringComparison.Ordinal) || line.StartsWith("Groups:", StringComparison.Ordinal))
            {
                foreach (string field in line[(line.IndexOf(':') + 1)..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
                {
                    if (uint.TryParse(field, out uint gid))
                    {
                        groups.Add(gid);
                    }
                }
            }
        }

        return groups;
    }

    /// <summary>State of one root-only walk: the command's groups, the existing denies, what was found, what was not walked.</summary>
    private sealed record RootOnlyWalk(HashSet<uint> Groups, IReadOnlyList<FsDeny> Denies, List<FsDeny> Found)
    {
        public List<string> Unwalked { get; } = [];

        /// <summary>Not readable by others (a directory: not listable and searchable), but by owner 0 or a group of the command.</summary>
        public bool IsRootOnly(FileStatus status)
        {
            uint others = status.IsDirectory ? 0b101u : 0b100u;
            return (status.Permissions & others) != others && (status.Uid == 0 || Groups.Contains(status.Gid))
                && (status.IsDirectory || status.IsRegular);
        }

        /// <summary>
        /// The walk's bounds left <paramref name="names"/> in <paramref name="directory"/> unlooked at: each is denied
        /// (fail secure; a non-UTF-8 name denies the directory), and the directory is named in a note.
        /// </summary>
        [System.Runtime.Versioning.SupportedOSPlatform("linux")]
        public void DenyUnwalked(string directory, IEnumerable<string> names, string source)
        {
            Unwalked.Add(directory);
            foreach (string name in names)
            {
                if (RawName.ToUtf8OrNull(name) is not string text)
                {
                    Found.Add(new FsDeny(directory, $"{source}: not walked (root-only check bounds)"));
                    return;
                }

                string entry = directory.TrimEnd('/') + "/" + text;
                if (!Denies.Any(d => !d.WriteOnly && SandboxPath.IsSameOrAncestor(d.Path, entry)))
                {
                    Found.Add(new FsDeny(entry, $"{source}: not walked (root-only check bounds)"));
                }
            }
        }
    }
}
