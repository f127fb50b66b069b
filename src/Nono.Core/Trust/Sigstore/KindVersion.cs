using System.Text.Json.Serialization;

namespace Nono.Core.Trust.Sigstore;

/// <summary>Entry kind and version.</summary>
public sealed record KindVersion
{
    /// <summary>Kind, e.g. hashedrekord.</summary>
    [JsonPropertyName("kind")]
    public string? Kind { get; init; }

    /// <summary>Version, e.g. 0.0.1.</summary>
    [JsonPropertyName("version")]
    public string? Version { get; init; }
}
