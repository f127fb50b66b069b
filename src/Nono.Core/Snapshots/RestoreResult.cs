using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nono.Core.Snapshots;

/// <summary>What a restore did (or would do, with <see cref="DryRun"/>).</summary>
public sealed record RestoreResult
{
    /// <summary>The session restored from.</summary>
    [JsonPropertyName("session")]
    public required string Session { get; init; }

    /// <summary>The snapshot index the tree was brought back to.</summary>
    [JsonPropertyName("snapshot")]
    public required int Snapshot { get; init; }

    /// <summary>True when nothing was changed on disk.</summary>
    [JsonPropertyName("dryRun")]
    public bool DryRun { get; init; }

    /// <summary>Every step, in order.</summary>
    [JsonPropertyName("actions")]
    public required IReadOnlyList<RestoreAction> Actions { get; init; }

    /// <summary>Bytes of file content written.</summary>
    [JsonPropertyName("bytesWritten")]
    public long BytesWritten { get; init; }

    /// <summary>Special files recorded in the snapshot as skipped; restore never recreates them.</summary>
    [JsonPropertyName("skipped")]
    public IReadOnlyList<SkippedEntry> Skipped { get; init; } = [];

    /// <summary>One-line summary.</summary>
    public string Summary()
    {
        int Count(string action) => Actions.Count(a => a.Action == action);
        string verb = DryRun ? "would restore" : "restored";
        return string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"{verb} session {Session} to snapshot {Snapshot}: {Count("write")} files written, {Count("symlink")} symlinks, {Count("mkdir")} directories created, {Count("delete")} removed, {Count("chmod")} modes fixed, {Skipped.Count} special files skipped");
    }

    /// <summary>The result as JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, SnapshotJsonContext.Default.RestoreResult);
}
