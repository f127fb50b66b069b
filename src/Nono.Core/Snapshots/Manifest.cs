using System.Text.Json.Serialization;

namespace Nono.Core.Snapshots;

/// <summary>What one snapshot recorded: every tracked root's entries and the Merkle root over them.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class Manifest
{
    /// <summary>Version 1 is zstd-compressed JSON (read only); version 2 is <see cref="ManifestFormat"/>.</summary>
    public const int CurrentVersion = ManifestFormat.Version;

    [JsonPropertyName("version")]
    public int Version { get; set; } = CurrentVersion;

    [JsonPropertyName("session")]
    public string Session { get; set; } = "";

    [JsonPropertyName("index")]
    public int Index { get; set; }

    [JsonPropertyName("createdAt")]
    public DateTimeOffset CreatedAt { get; set; }

    [JsonPropertyName("merkleRoot")]
    public string MerkleRoot { get; set; } = "";

    [JsonPropertyName("roots")]
    public List<ManifestRoot> Roots { get; set; } = [];

    /// <summary>The stored entries frame of a binary manifest as read or last written; null for JSON manifests.</summary>
    [JsonIgnore]
    public ManifestBody? Body { get; set; }
}
