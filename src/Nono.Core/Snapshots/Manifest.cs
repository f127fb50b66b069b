using System.Text.Json.Serialization;

namespace Nono.Core.Snapshots;

/// <summary>What one snapshot recorded: every tracked root's entries and the Merkle root over them.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class Manifest
{
    public const int CurrentVersion = 1;

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
}
