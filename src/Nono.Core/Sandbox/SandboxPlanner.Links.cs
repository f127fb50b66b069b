using Nono.Core.Capabilities;
using Nono.Core.Sandbox.Interop;

namespace Nono.Core.Sandbox;

public static partial class SandboxPlanner
{
    /// <summary>
    /// Removes from <paramref name="grants"/> every listed sibling with more than one hard link that is, or may be,
    /// another name of a denied file: Landlock attaches a rule to the inode, so the sibling's rule would grant the denied
    /// file. The denied trees are walked only when there is such a sibling (<see cref="DeniedLinks"/>); when the walk is
    /// incomplete, none of them is granted. Each one withheld is reported in <paramref name="withheld"/>.
    /// </summary>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private static void WithholdLinkedSiblings(List<FsGrant> grants, CarveBook book, IReadOnlyList<string> carvedDenies, IReadOnlyDictionary<string, FileIdentity> roots, HashSet<FileIdentity> deniedIdentities, List<string> withheld)
    {
        if (book.Linked.Count == 0)
        {
            return;
        }

        DeniedLinks? links = null;
        HashSet<ulong> devices = [.. book.Linked.Values.Select(identity => identity.Device)];
        grants.RemoveAll(grant =>
        {
            if (!book.Linked.TryGetValue(grant, out FileIdentity identity))
            {
                return false;
            }

            string? why = deniedIdentities.Contains(identity)
                ? "it is another name of a denied file"
                : (links ??= DeniedLinks.Scan(carvedDenies, roots, devices)).Refuses(identity);
            if (why is null)
            {
                return false;
            }

            withheld.Add($"not granting {grant.Path} ({grant.Source}): it has more than one hard link and {why}");
            return true;
        });
    }
}
