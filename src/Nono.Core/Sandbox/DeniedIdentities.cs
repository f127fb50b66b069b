using Nono.Core.Sandbox.Interop;

namespace Nono.Core.Sandbox;

/// <summary>
/// The inodes of the carved denies and of every directory above them. Landlock attaches a rule to an inode, not to a
/// name: a listed sibling that is one of these inodes (the deny or a directory holding it renamed onto a sibling's name
/// after the plan, a hard link to a denied file, a name that a case-insensitive directory folds onto the deny's, a
/// bind mount of a directory above it) would grant the deny. Taken at plan time (the deny renamed away since then is
/// no longer at its path) and again at ruleset build time (what the deny is when the rules are attached).
/// A hard link to a file inside a denied directory is caught by the link count and <see cref="DeniedLinks"/>.
/// </summary>
internal static class DeniedIdentities
{
    /// <summary>
    /// Adds to <paramref name="into"/> every ancestor up to the root, not only those below the carved grant: a rule on
    /// any of them covers the deny, and the walk is a few statx calls shared by all denies. A path that does not exist
    /// adds nothing; any other failure throws (<see cref="Diagnostics.NonoException"/>).
    /// </summary>
    public static HashSet<FileIdentity> Collect(IReadOnlyList<string> denies, HashSet<FileIdentity> into)
    {
        HashSet<string> seen = new(StringComparer.Ordinal);
        foreach (string deny in denies)
        {
            for (string? path = Path.TrimEndingDirectorySeparator(deny); path is not null && seen.Add(path); path = Path.GetDirectoryName(path))
            {
                if (Interop.Interop.TryGetIdentity(path, out FileIdentity identity))
                {
                    into.Add(identity);
                }
            }
        }

        return into;
    }
}
