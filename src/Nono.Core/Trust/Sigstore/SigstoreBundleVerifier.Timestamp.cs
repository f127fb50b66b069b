using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;

namespace Nono.Core.Trust.Sigstore;

public static partial class SigstoreBundleVerifier
{
    /// <summary>
    /// Verifies every RFC 3161 timestamp: its message imprint covers the bundle's signature, its CMS
    /// signature verifies, and its signer chains to a timestamp authority of the trusted root that
    /// was valid at the stamped time (chain validity is judged at that time, not now).
    /// </summary>
    private static List<DateTimeOffset> VerifyTimestamps(BundleVerificationMaterial material, SignedContent content, TrustedRoot root)
    {
        List<DateTimeOffset> times = [];
        foreach (BundleRfc3161Timestamp stamp in material.TimestampVerificationData?.Rfc3161Timestamps ?? [])
        {
            if (stamp.SignedTimestamp is not { Length: > 0 } bytes || !Rfc3161TimestampToken.TryDecode(UnwrapResponse(bytes), out Rfc3161TimestampToken? token, out _))
            {
                throw Failure("RFC 3161 timestamp is malformed");
            }

            DateTimeOffset time = token.TokenInfo.Timestamp;
            bool trusted = false;
            foreach (CertificateAuthority tsa in root.TimestampAuthorities ?? [])
            {
                if (tsa.ValidFor is null || !tsa.ValidFor.Contains(time))
                {
                    continue;
                }

                List<X509Certificate2> chain = LoadChain(tsa);
                try
                {
                    X509Certificate2Collection candidates = [.. chain];
                    if (!token.VerifySignatureForData(content.Signature, out X509Certificate2? signerCert, candidates) || signerCert is null)
                    {
                        continue;
                    }

                    using X509Certificate2 signer = signerCert;
                    trusted = ChainsTo(signer, chain, time, "1.3.6.1.5.5.7.3.8");
                }
                finally
                {
                    chain.ForEach(c => c.Dispose());
                }

                if (trusted)
                {
                    break;
                }
            }

            if (!trusted)
            {
                throw Failure("RFC 3161 timestamp does not verify against a trusted timestamp authority valid at its time");
            }

            times.Add(time);
        }

        return times;
    }

    /// <summary>Accepts a bare TimeStampToken or a TimeStampResp (status + token, RFC 3161 §2.4.2) whose status is granted.</summary>
    private static byte[] UnwrapResponse(byte[] der)
    {
        try
        {
            System.Formats.Asn1.AsnReader outer = new System.Formats.Asn1.AsnReader(der, System.Formats.Asn1.AsnEncodingRules.BER).ReadSequence();
            if (outer.PeekTag() != System.Formats.Asn1.Asn1Tag.Sequence)
            {
                return der; // ContentInfo starts with an OID: already a token
            }

            System.Formats.Asn1.AsnReader status = outer.ReadSequence();
            if (!status.TryReadInt32(out int granted) || granted is not (0 or 1) || !outer.HasData)
            {
                throw Failure("RFC 3161 timestamp response was not granted");
            }

            return outer.ReadEncodedValue().ToArray();
        }
        catch (System.Formats.Asn1.AsnContentException)
        {
            throw Failure("RFC 3161 timestamp is malformed");
        }
    }

    private static List<X509Certificate2> LoadChain(CertificateAuthority authority) =>
        [.. (authority.CertChain?.Certificates ?? []).Where(c => c.RawBytes is { Length: > 0 }).Select(c => X509CertificateLoader.LoadCertificate(c.RawBytes!))];

    /// <summary>Builds a chain from <paramref name="certificate"/> to the last certificate of <paramref name="authorityChain"/> at <paramref name="time"/>.</summary>
    private static bool ChainsTo(X509Certificate2 certificate, List<X509Certificate2> authorityChain, DateTimeOffset time, string? requiredEku)
    {
        if (authorityChain.Count == 0)
        {
            return false;
        }

        using X509Chain chain = new();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authorityChain[^1]);
        foreach (X509Certificate2 intermediate in authorityChain.Take(authorityChain.Count - 1))
        {
            chain.ChainPolicy.ExtraStore.Add(intermediate);
        }

        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true; // offline: never fetch AIA issuers
        chain.ChainPolicy.VerificationTime = time.UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        if (requiredEku is not null)
        {
            chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid(requiredEku));
        }

        // A trust anchor that is itself the signer (TSA chains may list only the signing cert) is accepted as is.
        return chain.Build(certificate)
            || (authorityChain.Count == 1 && certificate.RawData.AsSpan().SequenceEqual(authorityChain[0].RawData)
                && time >= certificate.NotBefore && time <= certificate.NotAfter);
    }
}
