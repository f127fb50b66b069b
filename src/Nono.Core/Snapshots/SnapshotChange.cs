using System.Text.Json.Serialization;

namespace Nono.Core.Snapshots;

/// <summary>One changed entry between two snapshots.</summary>
public sealed record SnapshotChange
{
    /// <summary>The tracked root the entry lives under.</summary>
    [JsonPropertyName("root")]
    public required string Root { get; init; }

    /// <summary>Root-relative path in display form (control and non-UTF-8 bytes escaped as \xNN).</summary>
    [JsonPropertyName("path")]
    public required string Path { get; init; }

    /// <summary>What happened to it.</summary>
    [JsonPropertyName("kind")]
    public required ChangeKind Kind { get; init; }

    /// <summary>Type before, null when created.</summary>
    [JsonPropertyName("oldType")]
    public EntryType? OldType { get; init; }

    /// <summary>Type after, null when deleted.</summary>
    [JsonPropertyName("newType")]
    public EntryType? NewType { get; init; }

    /// <summary>Size before (0 when absent).</summary>
    [JsonPropertyName("oldSize")]
    public long OldSize { get; init; }

    /// <summary>Size after (0 when absent).</summary>
    [JsonPropertyName("newSize")]
    public long NewSize { get; init; }

    /// <summary>NewSize - OldSize.</summary>
    [JsonPropertyName("sizeDelta")]
    public long SizeDelta => NewSize - OldSize;

    /// <summary>Permission bits before, null when created.</summary>
    [JsonPropertyName("oldMode")]
    public uint? OldMode { get; init; }

    /// <summary>Permission bits after, null when deleted.</summary>
    [JsonPropertyName("newMode")]
    public uint? NewMode { get; init; }

    /// <summary>Unified diff for text files, or a one-line summary for binary ones, when requested.</summary>
    [JsonPropertyName("diff")]
    public string? Diff { get; init; }

    /// <summary>Content hash (hex SHA-256) before, when a file.</summary>
    [JsonIgnore]
    public string? OldHash { get; init; }

    /// <summary>Content hash (hex SHA-256) after, when a file.</summary>
    [JsonIgnore]
    public string? NewHash { get; init; }
}
