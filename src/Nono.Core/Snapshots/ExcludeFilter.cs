using Microsoft.Extensions.FileSystemGlobbing;

namespace Nono.Core.Snapshots;

/// <summary>
/// Decides which root-relative paths a session tracks. Default names (.git, node_modules, ...) are
/// matched as a whole component at any depth; user patterns go through FileSystemGlobbing, where a
/// pattern without '/' is anchored anywhere ("**/" is prepended). Include patterns win.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class ExcludeFilter
{
    private readonly HashSet<string> _defaultNames;
    private readonly Matcher? _exclude;
    private readonly Matcher? _include;
    private readonly HashSet<string> _includedNames;

    public ExcludeFilter(SnapshotOptions options)
    {
        _includedNames = new HashSet<string>(options.IncludePatterns.Where(p => !p.Contains('/', StringComparison.Ordinal)), StringComparer.Ordinal);
        _defaultNames = options.UseDefaultExcludes
            ? new HashSet<string>(SnapshotOptions.DefaultExcludedNames.Where(n => !_includedNames.Contains(n)), StringComparer.Ordinal)
            : [];
        _exclude = Build(options.ExcludePatterns);
        _include = Build(options.IncludePatterns);
    }

    /// <summary>True when the entry (raw path relative to its root, and its raw last component) is not tracked.</summary>
    public bool IsExcluded(string rawPath, string rawName, bool isDirectory)
    {
        if (rawPath.Length == 0)
        {
            return false;
        }

        // Patterns are text: match against the display form, computed only when a pattern needs it.
        string? displayPath = null;
        string name = Native.RawName.ToDisplay(rawName);
        bool excluded = (isDirectory && _defaultNames.Contains(name))
            || (_exclude is not null && _exclude.Match(displayPath ??= Native.RawName.ToDisplay(rawPath)).HasMatches);
        if (!excluded)
        {
            return false;
        }

        return !(_includedNames.Contains(name) || (_include is not null && _include.Match(displayPath ?? Native.RawName.ToDisplay(rawPath)).HasMatches));
    }

    private static Matcher? Build(IReadOnlyList<string> patterns)
    {
        if (patterns.Count == 0)
        {
            return null;
        }

        Matcher matcher = new(StringComparison.Ordinal);
        foreach (string raw in patterns)
        {
            string pattern = raw.Trim().TrimStart('/');
            if (pattern.Length == 0)
            {
                continue;
            }

            pattern = pattern.TrimEnd('/');
            string anchored = raw.TrimStart().StartsWith('/') || pattern.Contains('/', StringComparison.Ordinal) ? pattern : "**/" + pattern;
            matcher.AddInclude(anchored);
        }

        return matcher;
    }
}
