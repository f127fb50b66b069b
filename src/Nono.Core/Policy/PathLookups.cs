namespace Nono.Core.Policy;

/// <summary>
/// The link and existence lookups of one policy resolution, each made once: the rules share prefixes (<c>/usr</c>,
/// <c>$HOME</c>, ...), and canonicalising each rule on its own did a <c>readlink</c> and a <c>stat</c> per component
/// of every path. Lives only as long as the resolution, so it sees the filesystem as the resolution does.
/// </summary>
internal sealed class PathLookups
{
    private readonly Dictionary<string, string?> _links = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool> _exists = new(StringComparer.Ordinal);

    public string? LinkTargetOrNull(string path)
    {
        if (!_links.TryGetValue(path, out string? target))
        {
            target = PolicyPath.LinkTargetOrNull(path);
            _links[path] = target;
        }

        return target;
    }

    public bool Exists(string path)
    {
        if (!_exists.TryGetValue(path, out bool exists))
        {
            exists = Path.Exists(path);
            _exists[path] = exists;
        }

        return exists;
    }
}
