using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nono.Core.Snapshots;

/// <summary>A session with, optionally, the diff between its first and last snapshot: the shape reports consume.</summary>
public sealed record SessionReport
{
    /// <summary>The session.</summary>
    [JsonPropertyName("session")]
    public required SessionInfo Session { get; init; }

    /// <summary>Changes from the baseline to the latest snapshot, when requested.</summary>
    [JsonPropertyName("diff")]
    public SnapshotDiff? Diff { get; init; }

    /// <summary>The report as JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, SnapshotJsonContext.Default.SessionReport);

    /// <summary>A list of sessions as a JSON array.</summary>
    public static string ToJson(IReadOnlyList<SessionInfo> sessions) =>
        JsonSerializer.Serialize([.. sessions], SnapshotJsonContext.Default.ListSessionInfo);
}
