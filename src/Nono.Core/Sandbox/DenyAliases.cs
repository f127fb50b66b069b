using Nono.Core.Capabilities;

namespace Nono.Core.Sandbox;

/// <summary>
/// Denies are matched by path, and Landlock grants by inode: a denied directory that is also reachable through another
/// mount of its file system (<c>/home</c> bind-mounted at <c>/mnt/h</c>) would be granted under that other name by a
/// grant of <c>/mnt</c> (review S3). Every such name becomes a deny of its own, carved like the original, and says
/// whose alias it is. Computed from one read of the mount table; purely lexical: the deny need not exist.
/// </summary>
internal static class DenyAliases
{
    /// <summary><paramref name="denies"/> followed by every alias of each, through the mounts of <paramref name="mounts"/>.</summary>
    public static List<FsDeny> With(IReadOnlyList<FsDeny> denies, IReadOnlyList<HostMount> mounts)
    {
        List<FsDeny> result = [.. denies];
        if (mounts.Count == 0)
        {
            return result;
        }

        HashSet<(string, bool)> seen = new(denies.Count);
        foreach (FsDeny deny in denies)
        {
            seen.Add((SandboxPath.Normalize(deny.Path), deny.WriteOnly));
        }

        HostMountTree tree = new(mounts); // every deny is looked up in the same table
        foreach (FsDeny deny in denies)
        {
            foreach ((string alias, HostMount through, string? inner) in OfTree(deny.Path, tree))
            {
                if (seen.Add((SandboxPath.Normalize(alias), deny.WriteOnly)))
                {
                    string origin = inner is null ? deny.Path : $"{deny.Path} (the mount at {inner} inside it)";
                    result.Add(new FsDeny(alias, $"alias of deny {origin} through the mount at {through.MountPoint}; {deny.Source}") { WriteOnly = deny.WriteOnly });
                }
            }
        }

        return result;
    }

    /// <summary>
    /// The aliases of <paramref name="path"/> and of every mount visible inside it: a file system mounted at or below a
    /// denied directory (<c>mount --bind /mnt/t/config ~/.kube/config</c>) is reachable through its other mounts too,
    /// whatever device the deny itself sits on. <c>Inner</c> names the inner mount (null for the path itself). Names
    /// inside the deny are left out: the deny covers them already.
    /// </summary>
    private static IEnumerable<(string Alias, HostMount Through, string? Inner)> OfTree(string path, HostMountTree tree)
    {
        foreach ((string alias, HostMount through) in Of(path, tree))
        {
            yield return (alias, through, null);
        }

        string key = SandboxPath.Normalize(path);
        IReadOnlyList<HostMount> mounts = tree.Mounts;
        for (int i = 0; i < mounts.Count; i++)
        {
            HostMount inner = mounts[i];
            if (!tree.IsStrictlyBelow(i, key) || !ReferenceEquals(tree.VisibleAt(inner.MountPoint), inner))
            {
                continue;
            }

            foreach ((string alias, HostMount through) in Of(inner.MountPoint, tree))
            {
                if (!SandboxPath.IsSameOrAncestor(path, alias))
                {
                    yield return (alias, through, inner.MountPoint);
                }
            }
        }
    }

    /// <summary>
    /// The other names of <paramref name="path"/>: for each mount of the same device whose root is at or above the
    /// path's place in that file system, the mount point plus the rest (a mount of a directory inside the path is an
    /// alias as a whole). A name that a later mount covers reaches something else and is left out.
    /// </summary>
    public static IEnumerable<(string Alias, HostMount Through)> Of(string path, IReadOnlyList<HostMount> mounts) =>
        Of(path, new HostMountTree(mounts));

    private static IEnumerable<(string Alias, HostMount Through)> Of(string path, HostMountTree tree)
    {
        if (tree.VisibleAt(path) is not { Device.Length: > 0 } home)
        {
            yield break;
        }

        string inFileSystem = Below(home.Root, Relative(home.MountPoint, path));
        foreach (HostMount mount in tree.Mounts)
        {
            if (ReferenceEquals(mount, home) || mount.Device != home.Device)
            {
                continue;
            }

            string alias;
            if (SandboxPath.IsSameOrAncestor(mount.Root, inFileSystem))
            {
                alias = Below(mount.MountPoint, Relative(mount.Root, inFileSystem));
            }
            else if (SandboxPath.IsStrictAncestor(inFileSystem, mount.Root))
            {
                alias = mount.MountPoint;
            }
            else
            {
                continue;
            }

            if (!SandboxPath.IsSame(alias, path) && ReferenceEquals(tree.VisibleAt(alias), mount))
            {
                yield return (alias, mount);
            }
        }
    }

    /// <summary>The components of <paramref name="path"/> below <paramref name="ancestor"/> (which contains it).</summary>
    private static string[] Relative(string ancestor, string path) =>
        SandboxPath.Components(path)[SandboxPath.Components(ancestor).Length..];

    private static string Below(string directory, string[] components) =>
        components.Length == 0 ? directory : "/" + string.Join('/', SandboxPath.Components(directory).Concat(components));
}
