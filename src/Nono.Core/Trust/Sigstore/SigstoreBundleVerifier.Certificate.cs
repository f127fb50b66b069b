using System.Security.Cryptography.X509Certificates;

namespace Nono.Core.Trust.Sigstore;

public static partial class SigstoreBundleVerifier
{
    private const string CodeSigningEku = "1.3.6.1.5.5.7.3.3";

    private static void VerifyCertificate(X509Certificate2 leaf, BundleVerificationMaterial material, List<DateTimeOffset> times, BundleVerificationPolicy policy, TrustedRoot root, Stage stage)
    {
        _ = material;
        foreach (DateTimeOffset time in times)
        {
            stage.Current = BundleCheck.CertificateChain;
            if (time < leaf.NotBefore || time > leaf.NotAfter)
            {
                throw Failure($"signing certificate was not valid at {time:u} (valid {leaf.NotBefore.ToUniversalTime():u} to {leaf.NotAfter.ToUniversalTime():u})");
            }

            X509Certificate2? issuer = null;
            foreach (CertificateAuthority ca in root.CertificateAuthorities ?? [])
            {
                if (ca.ValidFor is null || !ca.ValidFor.Contains(time))
                {
                    continue;
                }

                List<X509Certificate2> chain = LoadChain(ca);
                if (ChainsTo(leaf, chain, time, CodeSigningEku))
                {
                    issuer = chain.FirstOrDefault(c => c.SubjectName.RawData.AsSpan().SequenceEqual(leaf.IssuerName.RawData));
                    chain.Where(c => !ReferenceEquals(c, issuer)).ToList().ForEach(c => c.Dispose());
                    break;
                }

                chain.ForEach(c => c.Dispose());
            }

            if (issuer is null)
            {
                throw Failure($"signing certificate does not chain to a Fulcio CA of the trusted root valid at {time:u}");
            }

            using (issuer)
            {
                stage.Current = BundleCheck.CertificateTransparency;
                CertificateTransparency.VerifySct(leaf, issuer, root);
            }
        }

        stage.Current = BundleCheck.Identity;
        FulcioIdentity identity = FulcioIdentity.Read(leaf);
        if (!identity.SubjectAlternativeNames.Contains(policy.CertificateIdentity!, StringComparer.Ordinal))
        {
            throw Failure($"certificate identity is '{string.Join("', '", identity.SubjectAlternativeNames)}', expected '{policy.CertificateIdentity}'");
        }

        if (identity.Issuer != policy.CertificateOidcIssuer)
        {
            throw Failure($"certificate OIDC issuer is '{identity.Issuer}', expected '{policy.CertificateOidcIssuer}'");
        }
    }
}
