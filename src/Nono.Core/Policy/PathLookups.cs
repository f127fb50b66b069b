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

    public string? LinkTargetOrNull(ReadOnlySpan<char> path)
    {
        // Looked up by span: a key string is made only the first time a path is seen.
        Dictionary<string, string?>.AlternateLookup<ReadOnlySpan<char>> links = _links.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!links.TryGetValue(path, out string? target))
        {
            string key = path.ToString();
            target = PolicyPath.LinkTargetOrNull(key);
            _links[key] = target;
        }

        return target;
    }

    public bool Exists(ReadOnlySpan<char> path)
    {
        Dictionary<string, bool>.AlternateLookup<ReadOnlySpan<char>> exists = _exists.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!exists.TryGetValue(path, out bool found))
        {
            string key = path.ToString();
            found = Path.Exists(key);
            _exists[key] = found;
        }

        return found;
    }
}
