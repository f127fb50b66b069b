using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nono.Core.Snapshots;

/// <summary>Every change between two snapshots of a session, sorted by root then path.</summary>
public sealed record SnapshotDiff
{
    /// <summary>The session compared.</summary>
    [JsonPropertyName("session")]
    public required string Session { get; init; }

    /// <summary>Index of the earlier snapshot.</summary>
    [JsonPropertyName("from")]
    public required int From { get; init; }

    /// <summary>Index of the later snapshot.</summary>
    [JsonPropertyName("to")]
    public required int To { get; init; }

    /// <summary>The changes.</summary>
    [JsonPropertyName("changes")]
    public required IReadOnlyList<SnapshotChange> Changes { get; init; }

    /// <summary>Number of created entries.</summary>
    [JsonPropertyName("created")]
    public int Created => Changes.Count(c => c.Kind == ChangeKind.Created);

    /// <summary>Number of modified entries.</summary>
    [JsonPropertyName("modified")]
    public int Modified => Changes.Count(c => c.Kind == ChangeKind.Modified);

    /// <summary>Number of deleted entries.</summary>
    [JsonPropertyName("deleted")]
    public int Deleted => Changes.Count(c => c.Kind == ChangeKind.Deleted);

    /// <summary>Number of entries whose mode alone changed.</summary>
    [JsonPropertyName("modeChanged")]
    public int ModeChanged => Changes.Count(c => c.Kind == ChangeKind.ModeChanged);

    /// <summary>Net change in bytes of regular files.</summary>
    [JsonPropertyName("sizeDelta")]
    public long SizeDelta => Changes.Sum(c => c.SizeDelta);

    /// <summary>One-line summary, e.g. "3 created, 1 modified, 0 deleted, 0 mode changed (+120 bytes)".</summary>
    public string Summary() => string.Create(
        System.Globalization.CultureInfo.InvariantCulture,
        $"{Created} created, {Modified} modified, {Deleted} deleted, {ModeChanged} mode changed ({(SizeDelta >= 0 ? "+" : "")}{SizeDelta} bytes)");

    /// <summary>The diff as JSON (source-generated serializer).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, SnapshotJsonContext.Default.SnapshotDiff);
}
