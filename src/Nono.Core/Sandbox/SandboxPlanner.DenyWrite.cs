using Nono.Core.Capabilities;

namespace Nono.Core.Sandbox;

public static partial class SandboxPlanner
{
    /// <summary>
    /// A deny_write takes the write right away and leaves reading as granted. A writable grant at or beneath it keeps
    /// only its read; a writable directory grant above it is carved like a deny (its siblings keep the grant's access)
    /// and granted again read-only, so the way down and the path itself stay readable. It is not recorded as a carved
    /// deny (whose inodes no listed rule may reach, read-only ones included); Landlock's REFER rule keeps the command
    /// from linking it into a writable directory, but a hard link made before the run stays writable.
    /// </summary>
    private static void ApplyDenyWrite(FsDeny deny, string denyKey, List<(FsGrant Grant, string Key)> grants, CarveBook book, List<string> notes, List<string> problems)
    {
        int i = 0;
        while (i < grants.Count)
        {
            (FsGrant grant, string key) = grants[i];
            if ((grant.Access & FsAccess.Write) == 0)
            {
                i++;
                continue;
            }

            if (SandboxPath.IsSameOrAncestorNormalized(denyKey, key))
            {
                notes.Add($"grant {grant.Path} [{grant.Source}] made read-only: deny_write {deny.Path} [{deny.Source}] covers it");
                grants.RemoveAt(i);
                if (ReadOnlyCopy(grant, book) is FsGrant readOnly)
                {
                    grants.Insert(i++, (readOnly, key));
                }
            }
            else if (!grant.IsFile && SandboxPath.IsSameOrAncestorNormalized(key, denyKey))
            {
                List<FsGrant> siblings = Expand(grant, deny, book, notes, problems);
                grants.RemoveAt(i);
                List<(FsGrant, string)> replacement = new(siblings.Count + 1);
                foreach (FsGrant sibling in siblings)
                {
                    replacement.Add((sibling, SandboxPath.Normalize(sibling.Path)));
                }

                if (ReadOnlyCopy(grant, book) is FsGrant readOnly)
                {
                    replacement.Add((readOnly, key));
                }

                grants.InsertRange(i, replacement);
                i += replacement.Count;
            }
            else
            {
                i++;
            }
        }
    }

    /// <summary>The grant with its read access only (reached like the grant, if it was listed), or null without read.</summary>
    private static FsGrant? ReadOnlyCopy(FsGrant grant, CarveBook book)
    {
        if ((grant.Access & FsAccess.Read) == 0)
        {
            return null;
        }

        FsGrant readOnly = grant with { Access = FsAccess.Read };
        if (book.Listed.TryGetValue(grant, out CarvedDirectory? listedIn))
        {
            book.Listed[readOnly] = listedIn;
        }

        return readOnly;
    }
}
