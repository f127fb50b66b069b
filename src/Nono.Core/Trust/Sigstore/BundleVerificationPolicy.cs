namespace Nono.Core.Trust.Sigstore;

/// <summary>
/// Who must have signed: a certificate identity (SAN) and OIDC issuer for keyless bundles, or a
/// pinned public key for managed-key bundles. Exactly one of the two forms.
/// </summary>
public sealed record BundleVerificationPolicy
{
    /// <summary>Expected certificate identity (URI, email or other SAN), exact match.</summary>
    public string? CertificateIdentity { get; init; }

    /// <summary>Expected OIDC issuer (Fulcio extension 1.3.6.1.4.1.57264.1.8, or legacy .1.1), exact match.</summary>
    public string? CertificateOidcIssuer { get; init; }

    /// <summary>PEM public key for managed-key bundles.</summary>
    public string? PublicKeyPem { get; init; }
}
