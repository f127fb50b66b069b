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
    private readonly Dictionary<string, int> _denyIndex = new(StringComparer.Ordinal);
    private readonly HashSet<string> _patternPaths = new(StringComparer.Ordinal);

    public IReadOnlyList<FsDeny> Denies => _denies;

    public IReadOnlyList<FsDeny> DenyPatterns => _patterns;

    public IReadOnlyList<SkippedRule> Skipped => _skipped;

    public void AddGrant(string path, FsAccess access, bool isFile, string source) =>
        _grants.Add(new FsGrant(path, access, isFile, source));

    /// <summary>Adds a deny (<paramref name="writeOnly"/>: a deny_write); a full deny of the same path replaces a deny_write.</summary>
    public void AddDeny(string path, string source, bool writeOnly = false)
    {
        if (!_denyIndex.TryGetValue(path, out int index))
        {
            _denyIndex.Add(path, _denies.Count);
            _denies.Add(new FsDeny(path, source) { WriteOnly = writeOnly });
        }
        else if (_denies[index].WriteOnly && !writeOnly)
        {
            _denies[index] = new FsDeny(path, source);
        }
    }

    public void AddPattern(string pattern, string source)
    {
        if (_patternPaths.Add(pattern))
        {
            _patterns.Add(new FsDeny(pattern, source));
        }
    }

    /// <summary>True when a directory grant of exactly <paramref name="path"/> came from one of <paramref name="sources"/>.</summary>
    public bool HasGrant(string path, IReadOnlySet<string> sources) =>
        _grants.Any(g => !g.IsFile && g.Path == path && sources.Contains(g.Source));

    public void Skip(string path, string source, string reason) => _skipped.Add(new SkippedRule(path, source, reason));

    /// <summary>
    /// Drops grants at or beneath a deny and the write of those beneath a deny_write (recording why), then merges grants of the same path into one
    /// with the union of their access and sources.
    /// </summary>
    public IReadOnlyList<FsGrant> FinalGrants()
    {
        List<FsGrant> result = [];
        Dictionary<(string Path, bool IsFile), int> indexOf = [];
        // Every grant meets every deny (a few hundred on the default profile): both sides compared in normalised form.
        string[] denyKeys = new string[_denies.Count];
        for (int i = 0; i < denyKeys.Length; i++)
        {
            denyKeys[i] = Sandbox.SandboxPath.Normalize(_denies[i].Path);
        }

        foreach (FsGrant listed in _grants)
        {
            FsGrant grant = listed;
            FsDeny? deny = CoveringDeny(Sandbox.SandboxPath.Normalize(grant.Path), denyKeys);
            if (deny is { WriteOnly: false } || (deny is not null && (grant.Access & FsAccess.Read) == 0))
            {
                Skip(grant.Path, grant.Source, $"overridden by deny of {deny.Path} ({deny.Source})");
                continue;
            }

            if (deny is not null && (grant.Access & FsAccess.Write) != 0)
            {
                Skip(grant.Path, grant.Source, $"write overridden by deny_write of {deny.Path} ({deny.Source}); read stays");
                grant = grant with { Access = FsAccess.Read };
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

    /// <summary>
    /// The deny at or above <paramref name="key"/> (a path normalised by <see cref="Sandbox.SandboxPath.Normalize"/>), a
    /// full deny before a deny_write; <paramref name="denyKeys"/>: each deny's path, normalised.
    /// </summary>
    private FsDeny? CoveringDeny(string key, string[] denyKeys)
    {
        FsDeny? writeOnly = null;
        for (int i = 0; i < denyKeys.Length; i++)
        {
            FsDeny deny = _denies[i];
            if (Sandbox.SandboxPath.IsSameOrAncestorNormalized(denyKeys[i], key))
            {
                if (!deny.WriteOnly)
                {
                    return deny;
                }

                writeOnly ??= deny;
            }
        }

        return writeOnly;
    }
}
