using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Nono.Core.Trust.Sigstore;

/// <summary>
/// Who a keyless bundle's certificate <em>claims</em> signed it (first SAN and OIDC issuer), read without
/// verifying anything: for display and for building a verify command, never for trust decisions.
/// </summary>
/// <param name="Identity">The certificate's first subject alternative name.</param>
/// <param name="Issuer">The OIDC issuer extension, when present.</param>
public sealed record BundleIdentity(string Identity, string? Issuer)
{
    /// <summary>The Fulcio source repository URI extension (1.3.6.1.4.1.57264.1.12), when present.</summary>
    public string? SourceRepositoryUri { get; init; }

    /// <summary>The Fulcio run invocation URI extension (1.3.6.1.4.1.57264.1.21), when present.</summary>
    public string? RunInvocationUri { get; init; }

    /// <summary>The claimed identity, or null when the bundle has no readable Fulcio certificate.</summary>
    public static BundleIdentity? Read(SigstoreBundle bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        byte[]? der = bundle.VerificationMaterial?.Certificate?.RawBytes
            ?? (bundle.VerificationMaterial?.X509CertificateChain?.Certificates is { Count: > 0 } chain ? chain[0].RawBytes : null);
        if (der is null)
        {
            return null;
        }

        try
        {
            using X509Certificate2 leaf = X509CertificateLoader.LoadCertificate(der);
            FulcioIdentity identity = FulcioIdentity.Read(leaf);
            return identity.SubjectAlternativeNames.Count == 0 ? null : new BundleIdentity(identity.SubjectAlternativeNames[0], identity.Issuer)
            {
                SourceRepositoryUri = identity.SourceRepositoryUri,
                RunInvocationUri = identity.RunInvocationUri,
            };
        }
        catch (Exception ex) when (ex is CryptographicException or System.Formats.Asn1.AsnContentException)
        {
            return null;
        }
    }
}
