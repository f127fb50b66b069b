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

    /// <summary>The tracked roots, in session order.</summary>
    [JsonPropertyName("roots")]
    public IReadOnlyList<string> Roots { get; init; } = [];

    /// <summary>One-line summary.</summary>
    public string Summary()
    {
        string verb = DryRun ? "would restore" : "restored";
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{verb} session {Session} to snapshot {Snapshot}: {Counts(Actions)}, {Skipped.Count} special files skipped");
    }

    /// <summary>One line per tracked root with what was done in it (for sessions of several roots, where the summary alone does not say).</summary>
    public IEnumerable<string> RootSummaries() =>
        Roots.Select(root => $"  {root}: {Counts(Actions.Where(a => string.Equals(a.Root, root, StringComparison.Ordinal)))}");

    private static string Counts(IEnumerable<RestoreAction> actions)
    {
        int write = 0, symlink = 0, mkdir = 0, delete = 0, chmod = 0;
        foreach (RestoreAction a in actions)
        {
            _ = a.Action switch
            {
                "write" => ++write,
                "symlink" => ++symlink,
                "mkdir" => ++mkdir,
                "delete" => ++delete,
                _ => ++chmod,
            };
        }

        return string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"{write} files written, {symlink} symlinks, {mkdir} directories created, {delete} removed, {chmod} modes fixed");
    }

    /// <summary>The result as JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, SnapshotJsonContext.Default.RestoreResult);
}
