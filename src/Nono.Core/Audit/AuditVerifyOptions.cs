namespace Nono.Core.Audit;

/// <summary>What <see cref="AuditVerifier"/> checks beyond the integrity of the files.</summary>
public sealed record AuditVerifyOptions
{
    /// <summary>
    /// PEM public key the attestation must be signed with. When set, a missing or differently
    /// signed attestation fails the signature part.
    /// </summary>
    public string? PublicKeyPem { get; init; }
}
