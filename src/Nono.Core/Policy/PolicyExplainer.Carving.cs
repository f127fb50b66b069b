using Nono.Core.Capabilities;

namespace Nono.Core.Policy;

public static partial class PolicyExplainer
{
    /// <summary>
    /// What <paramref name="grant"/> still gives <paramref name="path"/> once the sandbox carved the denies inside it:
    /// the directories on the way from the grant down to a deny keep no rule (read only for a deny_write), nor does an
    /// entry directly in them that did not exist when the run started (only listed entries get a rule); a path at or
    /// beneath a deny_write keeps the read. <see cref="Carve.Deny"/> is the deny that took something away.
    /// </summary>
    private static Carve CarveOf(FsGrant grant, string path, IReadOnlyList<FsDeny> denies)
    {
        Carve result = new(grant, grant.Access, null, null);
        if (grant.IsFile)
        {
            return result;
        }

        foreach (FsDeny deny in denies)
        {
            if (deny.Path == grant.Path || !PolicyPath.IsWithin(deny.Path, grant.Path) || (deny.WriteOnly && (grant.Access & FsAccess.Write) == 0))
            {
                continue;
            }

            FsAccess left = deny.WriteOnly ? grant.Access & FsAccess.Read : FsAccess.None;
            string parent = Path.GetDirectoryName(deny.Path) ?? "/";
            string? wayDirectory = PolicyPath.IsWithin(path, deny.Path) ? null
                : PolicyPath.IsWithin(parent, path) ? path
                : NewEntryOnTheWay(grant.Path, parent, path);
            if ((PolicyPath.IsWithin(path, deny.Path) || wayDirectory is not null) && (left & result.Access) != result.Access)
            {
                result = new Carve(grant, left & result.Access, deny, wayDirectory);
            }
        }

        return result;
    }

    /// <summary>The way directory <paramref name="path"/> is a new entry of (none was listed there), or null.</summary>
    private static string? NewEntryOnTheWay(string grant, string denyParent, string path)
    {
        string[] way = PolicyPath.Components(denyParent);
        string[] target = PolicyPath.Components(path);
        int common = PolicyPath.Components(grant).Length;
        while (common < way.Length && common < target.Length - 1 && way[common] == target[common])
        {
            common++;
        }

        string directory = "/" + string.Join('/', target[..common]);
        string entry = Path.Join(directory, target[common]);
        return File.Exists(entry) || Directory.Exists(entry) ? null : directory;
    }

    private static string CarveReason(Carve carve, FsDeny deny, FsAccess wanted)
    {
        string grant = $"{Describe(carve.Grant)} from {carve.Grant.Source}";
        if (carve.WayDirectory is null)
        {
            return $"deny_write {deny.Path} from {deny.Source} beneath the {grant}: readable, never writable";
        }

        string kind = deny.WriteOnly ? "deny_write" : "deny";
        string lost = deny.WriteOnly ? "nothing can be created, removed or renamed" : "nothing can be listed, created, removed or renamed";
        return $"the {grant} is carved around {kind} {deny.Path} from {deny.Source}: {lost} directly in {carve.WayDirectory}, so {AccessText(wanted)} is refused here";
    }

    /// <param name="Grant">A grant covering the path.</param>
    /// <param name="Access">What it still gives the path.</param>
    /// <param name="Deny">The deny whose carving took access away, or null.</param>
    /// <param name="WayDirectory">The directory on the way down to <paramref name="Deny"/> that the path is, or is a new entry of; null beneath a deny_write.</param>
    private sealed record Carve(FsGrant Grant, FsAccess Access, FsDeny? Deny, string? WayDirectory);
}
