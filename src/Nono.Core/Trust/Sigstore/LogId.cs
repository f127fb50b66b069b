using System.Text.Json.Serialization;

namespace Nono.Core.Trust.Sigstore;

/// <summary>A log id.</summary>
public sealed record LogId
{
    /// <summary>SHA-256 of the log's public key.</summary>
    [JsonPropertyName("keyId")]
    public byte[]? KeyId { get; init; }
}
