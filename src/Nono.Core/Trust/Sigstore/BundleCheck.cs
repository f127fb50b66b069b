using System.Text.Json.Serialization;

namespace Nono.Core.Trust.Sigstore;

/// <summary>The stage of bundle verification that failed, so callers can name the part (e.g. "sct").</summary>
public enum BundleCheck
{
    /// <summary>The bundle's format, media type and verification material.</summary>
    [JsonStringEnumMemberName("bundle")]
    Bundle,

    /// <summary>The signature over the signed content, and the content against the artifact.</summary>
    [JsonStringEnumMemberName("signature")]
    Signature,

    /// <summary>The transparency log (Rekor) entry: body, SET, inclusion proof, checkpoint.</summary>
    [JsonStringEnumMemberName("rekor_entry")]
    TransparencyLog,

    /// <summary>RFC 3161 timestamps.</summary>
    [JsonStringEnumMemberName("timestamp")]
    Timestamp,

    /// <summary>The signing certificate's chain to a Fulcio CA of the trusted root, valid at the signing time.</summary>
    [JsonStringEnumMemberName("certificate_chain")]
    CertificateChain,

    /// <summary>The certificate's embedded Signed Certificate Timestamp against the trusted root's CT logs.</summary>
    [JsonStringEnumMemberName("sct")]
    CertificateTransparency,

    /// <summary>The certificate identity (SAN) and OIDC issuer against the policy.</summary>
    [JsonStringEnumMemberName("identity")]
    Identity,
}
