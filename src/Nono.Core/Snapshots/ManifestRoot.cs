using System.Text.Json.Serialization;

namespace Nono.Core.Snapshots;

/// <summary>The entries of one tracked root, sorted by raw path (byte order).</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class ManifestRoot
{
    [JsonPropertyName("root")]
    public string Root { get; set; } = "";

    [JsonPropertyName("entries")]
    public List<ManifestEntry> Entries { get; set; } = [];

    [JsonPropertyName("skipped")]
    public List<SkippedEntry> Skipped { get; set; } = [];
}
