using System.Text.Json.Serialization;

namespace Nono.Core.Snapshots;

/// <summary>A rollback session: the tracked roots, the options used and the snapshots taken so far.</summary>
public sealed record SessionInfo
{
    /// <summary>Session identifier (letters, digits, '.', '_', '-').</summary>
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    /// <summary>When the session began.</summary>
    [JsonPropertyName("createdAt")]
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Absolute, canonical root directories tracked by the session.</summary>
    [JsonPropertyName("roots")]
    public required IReadOnlyList<string> Roots { get; init; }

    /// <summary>
    /// Those of <see cref="Roots"/> that are single regular files (writable file grants): their parent
    /// directory is opened and only that one name is tracked, never the directory's other entries.
    /// </summary>
    [JsonPropertyName("fileRoots")]
    public IReadOnlyList<string> FileRoots { get; init; } = [];

    /// <summary>The options the session was begun with; restore applies the same excludes.</summary>
    [JsonPropertyName("options")]
    public required SnapshotOptions Options { get; init; }

    /// <summary>Snapshots in order of their index.</summary>
    [JsonPropertyName("snapshots")]
    public IReadOnlyList<SnapshotInfo> Snapshots { get; init; } = [];
}
