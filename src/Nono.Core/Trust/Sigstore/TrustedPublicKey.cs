using System.Text.Json.Serialization;

namespace Nono.Core.Trust.Sigstore;

/// <summary>A public key with its validity period.</summary>
public sealed record TrustedPublicKey
{
    /// <summary>DER SubjectPublicKeyInfo.</summary>
    [JsonPropertyName("rawBytes")]
    public byte[]? RawBytes { get; init; }

    /// <summary>Key type, e.g. PKIX_ECDSA_P256_SHA_256.</summary>
    [JsonPropertyName("keyDetails")]
    public string? KeyDetails { get; init; }

    /// <summary>When the key may be used.</summary>
    [JsonPropertyName("validFor")]
    public ValidityPeriod? ValidFor { get; init; }
}
