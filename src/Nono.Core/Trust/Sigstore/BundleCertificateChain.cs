using System.Text.Json.Serialization;

namespace Nono.Core.Trust.Sigstore;

/// <summary>A certificate chain.</summary>
public sealed record BundleCertificateChain
{
    /// <summary>Certificates, leaf first.</summary>
    [JsonPropertyName("certificates")]
    public IReadOnlyList<BundleCertificate>? Certificates { get; init; }
}
