using System.Text.Json.Serialization;

namespace Nono.Core.Trust.Sigstore;

/// <summary>A public key hint.</summary>
public sealed record BundlePublicKey
{
    /// <summary>The hint (nono: base64 SHA-256 of the DER public key).</summary>
    [JsonPropertyName("hint")]
    public string? Hint { get; init; }
}
