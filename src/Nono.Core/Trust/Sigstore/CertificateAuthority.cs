using System.Text.Json.Serialization;

namespace Nono.Core.Trust.Sigstore;

/// <summary>A certificate authority (Fulcio) or timestamp authority in the trusted root.</summary>
public sealed record CertificateAuthority
{
    /// <summary>URI of the authority.</summary>
    [JsonPropertyName("uri")]
    public string? Uri { get; init; }

    /// <summary>Chain, from the issuing (intermediate) certificate up to the root.</summary>
    [JsonPropertyName("certChain")]
    public BundleCertificateChain? CertChain { get; init; }

    /// <summary>When the authority may be used.</summary>
    [JsonPropertyName("validFor")]
    public ValidityPeriod? ValidFor { get; init; }
}
