using System.Text.Json.Serialization;

namespace Nono.Core.Snapshots;

/// <summary>What a session tracks. Excluded paths are neither snapshotted nor touched by restore.</summary>
public sealed record SnapshotOptions
{
    /// <summary>Directory names excluded at any depth unless <see cref="UseDefaultExcludes"/> is false or re-included.</summary>
    public static IReadOnlyList<string> DefaultExcludedNames { get; } = [".git", "node_modules", "target", "bin", "obj", ".venv", "__pycache__"];

    /// <summary>
    /// Glob patterns to exclude (Microsoft.Extensions.FileSystemGlobbing syntax, relative to each root).
    /// A pattern without '/' matches a name at any depth; a matched directory excludes its subtree.
    /// </summary>
    [JsonPropertyName("exclude")]
    public IReadOnlyList<string> ExcludePatterns { get; init; } = [];

    /// <summary>Patterns that win over exclusions, e.g. ".git" to track VCS metadata.</summary>
    [JsonPropertyName("include")]
    public IReadOnlyList<string> IncludePatterns { get; init; } = [];

    /// <summary>Whether <see cref="DefaultExcludedNames"/> apply.</summary>
    [JsonPropertyName("defaultExcludes")]
    public bool UseDefaultExcludes { get; init; } = true;

    /// <summary>
    /// Files whose mtime or ctime falls this close to the start of a scan are read again next
    /// time (timestamps are coarse). Not persisted; tests shrink it to observe the cache.
    /// </summary>
    [JsonIgnore]
    internal TimeSpan RacyWindow { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Whether small objects go into pack files (the default). Not persisted; tests turn it off to get loose objects.</summary>
    [JsonIgnore]
    internal bool PackSmallObjects { get; init; } = true;

    /// <summary>zstd level for new objects (1..19).</summary>
    [JsonPropertyName("compressionLevel")]
    public int CompressionLevel { get; init; } = 3;
}
