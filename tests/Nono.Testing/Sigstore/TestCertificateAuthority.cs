using System.Buffers.Binary;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Nono.Testing.Sigstore;

/// <summary>
/// A Fulcio-like CA made in the test: a self-signed root and an intermediate (ECDSA P-256), issuing
/// short-lived code-signing leaves with the SAN URI identity, the Fulcio OIDC issuer extensions
/// (1.3.6.1.4.1.57264.1.8 and the legacy .1.1), and an embedded SCT signed by a test CT log key
/// over the precertificate TBS (RFC 6962 §3.2).
/// </summary>
public sealed class TestCertificateAuthority : IDisposable
{
    private const string SctListOid = "1.3.6.1.4.1.11129.2.4.2";
    private readonly ECDsa _rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _intermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private long _serial = 1000;

    public TestCertificateAuthority(DateTimeOffset now)
    {
        CertificateRequest rootRequest = new("CN=nono-test-fulcio-root, O=nono-test", _rootKey, HashAlgorithmName.SHA256);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        rootRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(rootRequest.PublicKey, false));
        Root = rootRequest.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));

        CertificateRequest intermediateRequest = new("CN=nono-test-fulcio-intermediate, O=nono-test", _intermediateKey, HashAlgorithmName.SHA256);
        intermediateRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        intermediateRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        intermediateRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.3")], false));
        intermediateRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(intermediateRequest.PublicKey, false));
        intermediateRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Root, true, false));
        using X509Certificate2 signed = intermediateRequest.Create(Root, now.AddDays(-1), now.AddMonths(6), [0x02]);
        Intermediate = signed.CopyWithPrivateKey(_intermediateKey);
    }

    public X509Certificate2 Root { get; }

    public X509Certificate2 Intermediate { get; }

    /// <summary>The CT log key that signs the embedded SCTs.</summary>
    public ECDsa CtLogKey { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public byte[] CtLogId => SHA256.HashData(CtLogKey.ExportSubjectPublicKeyInfo());

    /// <summary>Issues a leaf for <paramref name="subjectPublicKey"/> valid from <paramref name="notBefore"/> to <paramref name="notAfter"/>.</summary>
    public X509Certificate2 Issue(ECDsa subjectPublicKey, string sanUri, string oidcIssuer, DateTimeOffset notBefore, DateTimeOffset notAfter, IReadOnlyDictionary<string, string>? utf8Extensions = null)
    {
        byte[] serial = BitConverter.GetBytes(Interlocked.Increment(ref _serial));
        Array.Reverse(serial);
        serial[0] &= 0x7f;
        CertificateRequest request = LeafRequest(subjectPublicKey, sanUri, oidcIssuer, utf8Extensions);
        byte[] tbs;
        using (X509Certificate2 precert = request.Create(Intermediate, notBefore, notAfter, serial))
        {
            tbs = Tbs(precert.RawData);
        }

        CertificateRequest final = LeafRequest(subjectPublicKey, sanUri, oidcIssuer, utf8Extensions);
        final.CertificateExtensions.Add(new X509Extension(SctListOid, SctList(tbs, notBefore), false));
        return final.Create(Intermediate, notBefore, notAfter, serial);
    }

    private static CertificateRequest LeafRequest(ECDsa key, string sanUri, string oidcIssuer, IReadOnlyDictionary<string, string>? utf8Extensions)
    {
        CertificateRequest request = new(new X500DistinguishedName(""), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.3")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        SubjectAlternativeNameBuilder san = new();
        san.AddUri(new Uri(sanUri));
        request.CertificateExtensions.Add(san.Build(critical: true));
        request.CertificateExtensions.Add(new X509Extension("1.3.6.1.4.1.57264.1.1", Encoding.UTF8.GetBytes(oidcIssuer), false));
        AsnWriter utf8 = new(AsnEncodingRules.DER);
        utf8.WriteCharacterString(UniversalTagNumber.UTF8String, oidcIssuer);
        request.CertificateExtensions.Add(new X509Extension("1.3.6.1.4.1.57264.1.8", utf8.Encode(), false));
        foreach ((string oid, string value) in utf8Extensions ?? new Dictionary<string, string>())
        {
            // Fulcio's extensions from 1.3.6.1.4.1.57264.1.8 on are DER UTF8Strings.
            AsnWriter text = new(AsnEncodingRules.DER);
            text.WriteCharacterString(UniversalTagNumber.UTF8String, value);
            request.CertificateExtensions.Add(new X509Extension(oid, text.Encode(), false));
        }

        return request;
    }

    private static byte[] Tbs(byte[] certificate) =>
        new AsnReader(certificate, AsnEncodingRules.DER).ReadSequence().ReadEncodedValue().ToArray();

    private byte[] SctList(byte[] tbs, DateTimeOffset time)
    {
        byte[] issuerKeyHash = SHA256.HashData(_intermediateKey.ExportSubjectPublicKeyInfo());
        ulong timestamp = (ulong)time.ToUnixTimeMilliseconds();
        using MemoryStream signed = new();
        signed.Write([0, 0]);
        Span<byte> ts = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(ts, timestamp);
        signed.Write(ts);
        signed.Write([0, 1]);
        signed.Write(issuerKeyHash);
        signed.Write([(byte)(tbs.Length >> 16), (byte)(tbs.Length >> 8), (byte)tbs.Length]);
        signed.Write(tbs);
        signed.Write([0, 0]);
        byte[] signature = CtLogKey.SignData(signed.ToArray(), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

        using MemoryStream sct = new();
        sct.WriteByte(0);
        sct.Write(CtLogId);
        sct.Write(ts);
        sct.Write([0, 0]);
        sct.Write([4, 3]); // sha256, ecdsa
        sct.Write([(byte)(signature.Length >> 8), (byte)signature.Length]);
        sct.Write(signature);
        byte[] one = sct.ToArray();
        byte[] list = [(byte)((one.Length + 2) >> 8), (byte)(one.Length + 2), (byte)(one.Length >> 8), (byte)one.Length, .. one];
        AsnWriter octets = new(AsnEncodingRules.DER);
        octets.WriteOctetString(list);
        return octets.Encode();
    }

    public void Dispose()
    {
        Root.Dispose();
        Intermediate.Dispose();
        _rootKey.Dispose();
        _intermediateKey.Dispose();
        CtLogKey.Dispose();
    }
}
