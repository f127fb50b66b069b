using System.Text.Json.Serialization;

namespace Nono.Core.Trust.Sigstore;

/// <summary>A Sigstore trusted root (<c>dev.sigstore.trustroot.v1.TrustedRoot</c>).</summary>
public sealed record TrustedRoot
{
    /// <summary>Media type.</summary>
    [JsonPropertyName("mediaType")]
    public string? MediaType { get; init; }

    /// <summary>Rekor transparency logs.</summary>
    [JsonPropertyName("tlogs")]
    public IReadOnlyList<TransparencyLogInstance>? Tlogs { get; init; }

    /// <summary>Fulcio certificate authorities.</summary>
    [JsonPropertyName("certificateAuthorities")]
    public IReadOnlyList<CertificateAuthority>? CertificateAuthorities { get; init; }

    /// <summary>Certificate transparency logs.</summary>
    [JsonPropertyName("ctlogs")]
    public IReadOnlyList<TransparencyLogInstance>? Ctlogs { get; init; }

    /// <summary>RFC 3161 timestamp authorities.</summary>
    [JsonPropertyName("timestampAuthorities")]
    public IReadOnlyList<CertificateAuthority>? TimestampAuthorities { get; init; }
}
