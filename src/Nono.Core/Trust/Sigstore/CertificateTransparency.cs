using System.Buffers.Binary;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Nono.Core.Trust.Keys;

namespace Nono.Core.Trust.Sigstore;

/// <summary>
/// Verifies the embedded Signed Certificate Timestamps of a Fulcio certificate (RFC 6962 §3.2):
/// at least one SCT from a CT log of the trusted root must verify over the precertificate entry
/// (the TBSCertificate without the SCT extension, with the issuer's key hash).
/// </summary>
internal static class CertificateTransparency
{
    private const string SctListOid = "1.3.6.1.4.1.11129.2.4.2";

    public static void VerifySct(X509Certificate2 leaf, X509Certificate2 issuer, TrustedRoot root)
    {
        X509Extension extension = leaf.Extensions.Cast<X509Extension>().FirstOrDefault(e => e.Oid?.Value == SctListOid)
            ?? throw SigstoreBundleVerifier.Failure("signing certificate has no embedded SCT");
        byte[] list = new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadOctetString();
        byte[] tbs = PrecertificateTbs(leaf.RawData);
        byte[] issuerKeyHash = SHA256.HashData(issuer.PublicKey.ExportSubjectPublicKeyInfo());

        ReadOnlySpan<byte> span = list;
        int total = Read16(ref span);
        if (total != span.Length)
        {
            throw SigstoreBundleVerifier.Failure("malformed SCT list");
        }

        while (span.Length > 0)
        {
            int length = Read16(ref span);
            ReadOnlySpan<byte> sct = Take(ref span, length);
            if (VerifyOne(sct, tbs, issuerKeyHash, root))
            {
                return;
            }
        }

        throw SigstoreBundleVerifier.Failure("no SCT of the signing certificate verifies with a CT log key of the trusted root");
    }

    private static bool VerifyOne(ReadOnlySpan<byte> sct, byte[] tbs, byte[] issuerKeyHash, TrustedRoot root)
    {
        if (sct.Length < 1 + 32 + 8 + 2 || sct[0] != 0)
        {
            return false;
        }

        byte[] logId = sct.Slice(1, 32).ToArray();
        ulong timestamp = BinaryPrimitives.ReadUInt64BigEndian(sct.Slice(33, 8));
        ReadOnlySpan<byte> rest = sct[41..];
        int extLength = Read16(ref rest);
        ReadOnlySpan<byte> extensions = Take(ref rest, extLength);
        Take(ref rest, 2); // hash + signature algorithm
        int sigLength = Read16(ref rest);
        ReadOnlySpan<byte> signature = Take(ref rest, sigLength);

        TransparencyLogInstance? log = root.Ctlogs?.FirstOrDefault(l => l.LogId?.KeyId is { } id && id.AsSpan().SequenceEqual(logId));
        if (log?.PublicKey?.RawBytes is not { } keyBytes)
        {
            return false;
        }

        using MemoryStream signed = new();
        signed.WriteByte(0); // sct_version v1
        signed.WriteByte(0); // signature_type certificate_timestamp
        Span<byte> ts = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(ts, timestamp);
        signed.Write(ts);
        signed.Write([0, 1]); // entry_type precert_entry
        signed.Write(issuerKeyHash);
        signed.Write([(byte)(tbs.Length >> 16), (byte)(tbs.Length >> 8), (byte)tbs.Length]);
        signed.Write(tbs);
        signed.Write([(byte)(extensions.Length >> 8), (byte)extensions.Length]);
        signed.Write(extensions);

        using VerificationKey key = VerificationKey.FromDer(keyBytes);
        return key.Verify(signed.ToArray(), signature, HashAlgorithmName.SHA256);
    }

    /// <summary>The leaf's TBSCertificate re-encoded without the SCT list extension.</summary>
    private static byte[] PrecertificateTbs(byte[] certificate)
    {
        AsnReader cert = new AsnReader(certificate, AsnEncodingRules.DER).ReadSequence();
        AsnReader tbs = cert.ReadSequence();
        AsnWriter writer = new(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            Asn1Tag extensionsTag = new(TagClass.ContextSpecific, 3, isConstructed: true);
            while (tbs.HasData)
            {
                if (tbs.PeekTag() != extensionsTag)
                {
                    writer.WriteEncodedValue(tbs.ReadEncodedValue().Span);
                    continue;
                }

                AsnReader extensions = tbs.ReadSequence(extensionsTag).ReadSequence();
                using (writer.PushSequence(extensionsTag))
                using (writer.PushSequence())
                {
                    while (extensions.HasData)
                    {
                        ReadOnlyMemory<byte> raw = extensions.ReadEncodedValue();
                        AsnReader ext = new AsnReader(raw, AsnEncodingRules.DER).ReadSequence();
                        if (ext.ReadObjectIdentifier() != SctListOid)
                        {
                            writer.WriteEncodedValue(raw.Span);
                        }
                    }
                }
            }
        }

        return writer.Encode();
    }

    private static int Read16(ref ReadOnlySpan<byte> span)
    {
        ReadOnlySpan<byte> two = Take(ref span, 2);
        return (two[0] << 8) | two[1];
    }

    private static ReadOnlySpan<byte> Take(ref ReadOnlySpan<byte> span, int length)
    {
        if (length > span.Length)
        {
            throw SigstoreBundleVerifier.Failure("malformed SCT");
        }

        ReadOnlySpan<byte> taken = span[..length];
        span = span[length..];
        return taken;
    }
}
