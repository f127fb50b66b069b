using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nono.Core.Snapshots;

/// <summary>What a cleanup removed (or would remove).</summary>
public sealed record RetentionResult
{
    /// <summary>True when nothing was deleted.</summary>
    [JsonPropertyName("dryRun")]
    public bool DryRun { get; init; }

    /// <summary>Ids of the removed sessions.</summary>
    [JsonPropertyName("removedSessions")]
    public required IReadOnlyList<string> RemovedSessions { get; init; }

    /// <summary>Objects no longer referenced by any kept session.</summary>
    [JsonPropertyName("removedObjects")]
    public int RemovedObjects { get; init; }

    /// <summary>Compressed bytes those objects occupied.</summary>
    [JsonPropertyName("freedBytes")]
    public long FreedBytes { get; init; }

    /// <summary>Compressed bytes of the objects that remain.</summary>
    [JsonPropertyName("keptBytes")]
    public long KeptBytes { get; init; }

    /// <summary>One-line summary.</summary>
    public string Summary() => string.Create(
        System.Globalization.CultureInfo.InvariantCulture,
        $"{(DryRun ? "would remove" : "removed")} {RemovedSessions.Count} sessions and {RemovedObjects} objects ({FreedBytes} bytes); {KeptBytes} bytes kept");

    /// <summary>The result as JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, SnapshotJsonContext.Default.RetentionResult);
}
