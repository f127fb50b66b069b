using System.Text.Json.Serialization;

namespace Nono.Core.Trust.Sigstore;

/// <summary>A DER certificate.</summary>
public sealed record BundleCertificate
{
    /// <summary>DER bytes.</summary>
    [JsonPropertyName("rawBytes")]
    public byte[]? RawBytes { get; init; }
}
