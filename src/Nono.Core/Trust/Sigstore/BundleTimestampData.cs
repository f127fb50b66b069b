using System.Text.Json.Serialization;

namespace Nono.Core.Trust.Sigstore;

/// <summary>Timestamp evidence.</summary>
public sealed record BundleTimestampData
{
    /// <summary>RFC 3161 signed timestamps.</summary>
    [JsonPropertyName("rfc3161Timestamps")]
    public IReadOnlyList<BundleRfc3161Timestamp>? Rfc3161Timestamps { get; init; }
}
