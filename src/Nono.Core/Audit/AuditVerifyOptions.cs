using Nono.Core.Trust.Sigstore;

namespace Nono.Core.Audit;

/// <summary>What <see cref="AuditVerifier"/> checks beyond the integrity of the files.</summary>
public sealed record AuditVerifyOptions
{
    /// <summary>
    /// PEM public key the attestation must be signed with. When set, a missing or differently
    /// signed attestation fails the signature part.
    /// </summary>
    public string? PublicKeyPem { get; init; }

    /// <summary>
    /// Expected certificate identity (SAN) of a keyless attestation, e.g.
    /// <c>https://github.com/OWNER/REPO/.github/workflows/WF.yml@refs/heads/main</c>. Set together with
    /// <see cref="CertificateOidcIssuer"/> and <see cref="TrustedRoot"/>; a missing or keyed attestation then fails.
    /// </summary>
    public string? CertificateIdentity { get; init; }

    /// <summary>Expected OIDC issuer of a keyless attestation.</summary>
    public string? CertificateOidcIssuer { get; init; }

    /// <summary>The Sigstore trusted root (Fulcio CAs, Rekor and CT log keys) keyless attestations must chain to.</summary>
    public TrustedRoot? TrustedRoot { get; init; }

    /// <summary>True when a keyless identity is expected.</summary>
    internal bool Keyless => CertificateIdentity is not null || CertificateOidcIssuer is not null;
}
