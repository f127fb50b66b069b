namespace Nono.Core.Sandbox;

/// <summary>
/// A mount table prepared for many <see cref="VisibleAt"/> lookups: each mount point normalised once
/// (<see cref="SandboxPath.Normalize"/>) and the root found once. The plan looks up every deny (a few hundred on the
/// default profile) and every mount inside one; comparing each mount point component by component on every lookup
/// was a visible part of the plan. The answers are <see cref="HostMount.VisibleAt"/>'s: it is this class.
/// </summary>
internal sealed class HostMountTree
{
    private readonly IReadOnlyList<HostMount> _mounts;
    private readonly string[] _keys;
    private readonly HostMount? _root;

    public HostMountTree(IReadOnlyList<HostMount> mounts)
    {
        _mounts = mounts;
        _keys = new string[mounts.Count];
        HashSet<int> ids = new(mounts.Count);
        for (int i = 0; i < mounts.Count; i++)
        {
            _keys[i] = SandboxPath.Normalize(mounts[i].MountPoint);
            ids.Add(mounts[i].Id);
        }

        foreach (HostMount mount in mounts)
        {
            if (mount.Id != 0 && mount.MountPoint == "/" && !ids.Contains(mount.Parent))
            {
                _root = mount;
                break;
            }
        }
    }

    /// <summary>The mounts, in listing order.</summary>
    public IReadOnlyList<HostMount> Mounts => _mounts;

    /// <summary>
    /// Whether <paramref name="ancestor"/> (in the form <see cref="SandboxPath.Normalize"/> gives) is strictly above the
    /// mount point of the mount listed at <paramref name="index"/>, as <see cref="SandboxPath.IsStrictAncestor"/> answers.
    /// </summary>
    public bool IsStrictlyBelow(int index, string ancestor)
    {
        // In the normalised form a path equal to its ancestor has the same length, and one strictly below it is longer.
        string key = _keys[index];
        return key.Length != ancestor.Length && SandboxPath.IsSameOrAncestorNormalized(ancestor, key);
    }

    /// <summary>See <see cref="HostMount.VisibleAt"/>.</summary>
    public HostMount? VisibleAt(string path)
    {
        if (_root is null)
        {
            return LastListedAt(path);
        }

        HostMount current = TopOfStack(_root, "/");
        string[] components = SandboxPath.Components(path);
        for (int depth = 1; depth <= components.Length; depth++)
        {
            string prefix = "/" + string.Join('/', components, 0, depth);
            if (LastChildAt(current, prefix) is { } child)
            {
                current = TopOfStack(child, prefix);
            }
        }

        return current;
    }

    private HostMount TopOfStack(HostMount mount, string mountPoint)
    {
        for (int guard = 0; guard < _mounts.Count && LastChildAt(mount, mountPoint) is { } over; guard++)
        {
            mount = over;
        }

        return mount;
    }

    /// <summary>The last listed child of <paramref name="parent"/> mounted at <paramref name="mountPoint"/> (normalised).</summary>
    private HostMount? LastChildAt(HostMount parent, string mountPoint)
    {
        for (int i = _mounts.Count - 1; i >= 0; i--)
        {
            HostMount mount = _mounts[i];
            if (mount.Parent == parent.Id && !ReferenceEquals(mount, parent) && string.Equals(_keys[i], mountPoint, StringComparison.Ordinal))
            {
                return mount;
            }
        }

        return null;
    }

    private HostMount? LastListedAt(string path)
    {
        for (int i = _mounts.Count - 1; i >= 0; i--)
        {
            if (SandboxPath.IsSameOrAncestor(_mounts[i].MountPoint, path))
            {
                return _mounts[i];
            }
        }

        return null;
    }
}
