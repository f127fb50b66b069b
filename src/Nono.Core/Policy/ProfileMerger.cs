namespace Nono.Core.Policy;

/// <summary>
/// Merges a child profile onto its base: lists union (order kept, duplicates dropped), scalars child-wins,
/// maps merge key by key with the child winning. Denies are a list, so they only ever accumulate.
/// </summary>
public static class ProfileMerger
{
    /// <summary>Returns <paramref name="child"/> applied on top of <paramref name="parent"/>; the result has no <c>extends</c>.</summary>
    public static Profile Merge(Profile parent, Profile child)
    {
        ArgumentNullException.ThrowIfNull(parent);
        ArgumentNullException.ThrowIfNull(child);
        return new Profile
        {
            Meta = new ProfileMeta
            {
                Name = child.Meta.Name ?? parent.Meta.Name,
                Description = child.Meta.Description ?? parent.Meta.Description,
            },
            Security = new SecuritySection { Groups = Union(parent.Security.Groups, child.Security.Groups) },
            Filesystem = Merge(parent.Filesystem, child.Filesystem),
            Network = new NetworkSection
            {
                Block = child.Network.Block ?? parent.Network.Block,
                AllowDomain = Union(parent.Network.AllowDomain, child.Network.AllowDomain),
                NetworkProfile = child.Network.NetworkProfile ?? parent.Network.NetworkProfile,
                Credentials = Union(parent.Network.Credentials, child.Network.Credentials),
                AllowTokenMinting = Union(parent.Network.AllowTokenMinting, child.Network.AllowTokenMinting),
                CustomCredentials = MergeMap(parent.Network.CustomCredentials, child.Network.CustomCredentials),
                Resolve = Union(parent.Network.Resolve, child.Network.Resolve),
                AllowUnixSockets = child.Network.AllowUnixSockets ?? parent.Network.AllowUnixSockets,
            },
            Environment = new EnvironmentSection
            {
                AllowVars = Union(parent.Environment.AllowVars, child.Environment.AllowVars),
                Set = MergeMap(parent.Environment.Set, child.Environment.Set),
            },
            Rollback = new RollbackSection
            {
                Enabled = child.Rollback.Enabled ?? parent.Rollback.Enabled,
                ExcludePatterns = Union(parent.Rollback.ExcludePatterns, child.Rollback.ExcludePatterns),
                ExcludeGlobs = Union(parent.Rollback.ExcludeGlobs, child.Rollback.ExcludeGlobs),
                ProtectedPaths = Union(parent.Rollback.ProtectedPaths, child.Rollback.ProtectedPaths),
            },
            Workdir = new WorkdirSection { Access = child.Workdir.Access ?? parent.Workdir.Access },
        };
    }

    internal static FilesystemSection Merge(FilesystemSection parent, FilesystemSection child) => new()
    {
        Allow = Union(parent.Allow, child.Allow),
        Read = Union(parent.Read, child.Read),
        Write = Union(parent.Write, child.Write),
        AllowFile = Union(parent.AllowFile, child.AllowFile),
        ReadFile = Union(parent.ReadFile, child.ReadFile),
        WriteFile = Union(parent.WriteFile, child.WriteFile),
        Deny = Union(parent.Deny, child.Deny),
        DenyWrite = Union(parent.DenyWrite, child.DenyWrite),
    };

    internal static IReadOnlyList<string> Union(IReadOnlyList<string> first, IReadOnlyList<string> second)
    {
        List<string> result = new(first.Count + second.Count);
        HashSet<string> seen = new(StringComparer.Ordinal);
        foreach (string item in first.Concat(second))
        {
            if (seen.Add(item))
            {
                result.Add(item);
            }
        }

        return result;
    }

    private static Dictionary<string, T> MergeMap<T>(IReadOnlyDictionary<string, T> parent, IReadOnlyDictionary<string, T> child)
    {
        Dictionary<string, T> result = new(parent, StringComparer.Ordinal);
        foreach (KeyValuePair<string, T> entry in child)
        {
            result[entry.Key] = entry.Value;
        }

        return result;
    }
}
