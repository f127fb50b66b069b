using System.Text.Json.Serialization;

namespace Nono.Core.Trust.Sigstore;

/// <summary>The bundle's verification material: one of public key hint, certificate or certificate chain.</summary>
public sealed record BundleVerificationMaterial
{
    /// <summary>A key identified out of band.</summary>
    [JsonPropertyName("publicKey")]
    public BundlePublicKey? PublicKey { get; init; }

    /// <summary>The leaf certificate (v0.3).</summary>
    [JsonPropertyName("certificate")]
    public BundleCertificate? Certificate { get; init; }

    /// <summary>The certificate chain, leaf first (v0.1/v0.2).</summary>
    [JsonPropertyName("x509CertificateChain")]
    public BundleCertificateChain? X509CertificateChain { get; init; }

    /// <summary>Transparency log entries.</summary>
    [JsonPropertyName("tlogEntries")]
    public IReadOnlyList<TransparencyLogEntry>? TlogEntries { get; init; }

    /// <summary>RFC 3161 timestamps.</summary>
    [JsonPropertyName("timestampVerificationData")]
    public BundleTimestampData? TimestampVerificationData { get; init; }
}
