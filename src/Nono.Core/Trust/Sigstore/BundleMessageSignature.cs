using System.Text.Json.Serialization;

namespace Nono.Core.Trust.Sigstore;

/// <summary>A signature over an artifact's digest.</summary>
public sealed record BundleMessageSignature
{
    /// <summary>The artifact digest.</summary>
    [JsonPropertyName("messageDigest")]
    public BundleHashOutput? MessageDigest { get; init; }

    /// <summary>The signature.</summary>
    [JsonPropertyName("signature")]
    public byte[]? Signature { get; init; }
}
