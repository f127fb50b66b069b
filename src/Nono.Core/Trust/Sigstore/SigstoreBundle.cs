using System.Text.Json.Serialization;
using Nono.Core.Trust.Dsse;

namespace Nono.Core.Trust.Sigstore;

/// <summary>A Sigstore bundle (<c>dev.sigstore.bundle.v1.Bundle</c>, protobuf JSON form), versions 0.1–0.3.</summary>
public sealed record SigstoreBundle
{
    /// <summary>Media type of a v0.3 bundle as nono writes it.</summary>
    public const string MediaTypeV03 = "application/vnd.dev.sigstore.bundle.v0.3+json";

    /// <summary>The bundle media type (carries the version).</summary>
    [JsonPropertyName("mediaType")]
    public string MediaType { get; init; } = "";

    /// <summary>Key or certificate material plus log and timestamp evidence.</summary>
    [JsonPropertyName("verificationMaterial")]
    public BundleVerificationMaterial? VerificationMaterial { get; init; }

    /// <summary>A signature over an artifact digest (exclusive with <see cref="DsseEnvelope"/>).</summary>
    [JsonPropertyName("messageSignature")]
    public BundleMessageSignature? MessageSignature { get; init; }

    /// <summary>A DSSE envelope (exclusive with <see cref="MessageSignature"/>).</summary>
    [JsonPropertyName("dsseEnvelope")]
    public DsseEnvelope? DsseEnvelope { get; init; }
}
