using Nono.Core.Capabilities;

namespace Nono.Core.Policy;

/// <summary>Accumulates canonical grants and denies during resolution; denies always win over grants at or beneath them.</summary>
internal sealed class FilesystemRules
{
    private readonly List<FsGrant> _grants = [];

    /// <summary>The resolution's path lookups, shared by every rule it canonicalises.</summary>
    public PathLookups Paths { get; } = new();

    private readonly List<FsDeny> _denies = [];
    private readonly List<FsDeny> _patterns = [];
    private readonly List<SkippedRule> _skipped = [];
    private readonly HashSet<string> _denyPaths = new(StringComparer.Ordinal);
    private readonly HashSet<string> _patternPaths = new(StringComparer.Ordinal);

    public IReadOnlyList<FsDeny> Denies => _denies;

    public IReadOnlyList<FsDeny> DenyPatterns => _patterns;

    public IReadOnlyList<SkippedRule> Skipped => _skipped;

    public void AddGrant(string path, FsAccess access, bool isFile, string source) =>
        _grants.Add(new FsGrant(path, access, isFile, source));

    public void AddDeny(string path, string source)
    {
        if (_denyPaths.Add(path))
        {
            _denies.Add(new FsDeny(path, source));
        }
    }

    public void AddPattern(string pattern, string source)
    {
        if (_patternPaths.Add(pattern))
        {
            _patterns.Add(new FsDeny(pattern, source));
        }
    }

    public void Skip(string path, string source, string reason) => _skipped.Add(new SkippedRule(path, source, reason));

    /// <summary>
    /// Drops grants at or beneath a deny (recording why), then merges grants of the same path into one
    /// with the union of their access and sources.
    /// </summary>
    public IReadOnlyList<FsGrant> FinalGrants()
    {
        List<FsGrant> result = [];
        Dictionary<(string Path, bool IsFile), int> indexOf = [];
        foreach (FsGrant grant in _grants)
        {
            FsDeny? deny = CoveringDeny(grant.Path);
            if (deny is not null)
            {
                Skip(grant.Path, grant.Source, $"overridden by deny of {deny.Path} ({deny.Source})");
                continue;
            }

            if (!indexOf.TryGetValue((grant.Path, grant.IsFile), out int existing))
            {
                indexOf.Add((grant.Path, grant.IsFile), result.Count);
                result.Add(grant);
                continue;
            }

            FsGrant previous = result[existing];
            string sources = previous.Source.Split(", ").Contains(grant.Source, StringComparer.Ordinal)
                ? previous.Source
                : $"{previous.Source}, {grant.Source}";
            result[existing] = previous with { Access = previous.Access | grant.Access, Source = sources };
        }

        return result;
    }

    private FsDeny? CoveringDeny(string path)
    {
        foreach (FsDeny deny in _denies)
        {
            if (PolicyPath.IsWithin(path, deny.Path))
            {
                return deny;
            }
        }

        return null;
    }
}
