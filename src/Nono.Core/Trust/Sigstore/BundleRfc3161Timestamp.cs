using System.Text.Json.Serialization;

namespace Nono.Core.Trust.Sigstore;

/// <summary>One RFC 3161 timestamp token.</summary>
public sealed record BundleRfc3161Timestamp
{
    /// <summary>The DER TimeStampToken (CMS SignedData).</summary>
    [JsonPropertyName("signedTimestamp")]
    public byte[]? SignedTimestamp { get; init; }
}
