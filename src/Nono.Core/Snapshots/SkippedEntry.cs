using System.Text.Json.Serialization;

namespace Nono.Core.Snapshots;

/// <summary>An entry found in the tree that is never stored or recreated (FIFO, socket, device).</summary>
public sealed record SkippedEntry
{
    /// <summary>Root-relative path in display form (non-UTF-8 bytes escaped as \xNN).</summary>
    [JsonPropertyName("path")]
    public required string Path { get; init; }

    /// <summary>What it was: fifo, socket, char-device, block-device.</summary>
    [JsonPropertyName("kind")]
    public required string Kind { get; init; }

    /// <summary>The raw root-relative path, so restore can remove it without reinterpreting the display form.</summary>
    [JsonIgnore]
    internal string Raw { get; init; } = "";
}
