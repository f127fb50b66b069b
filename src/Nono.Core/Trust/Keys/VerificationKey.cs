using System.Security.Cryptography;
using Nono.Core.Diagnostics;

namespace Nono.Core.Trust.Keys;

/// <summary>
/// A public key to verify signatures with: ECDSA (P-256/384/521, DER or raw signatures) or RSA
/// (PKCS#1 v1.5) or Ed25519 (verified by nono's own RFC 8032 code: .NET's BCL has no Ed25519).
/// </summary>
public sealed class VerificationKey : IDisposable
{
    private readonly ECDsa? _ec;
    private readonly RSA? _rsa;
    private readonly byte[]? _ed25519;

    private VerificationKey(ECDsa? ec, RSA? rsa, byte[] der, byte[]? ed25519 = null)
    {
        _ec = ec;
        _rsa = rsa;
        _ed25519 = ed25519;
        PublicKeyDer = der;
    }

    /// <summary>The DER SubjectPublicKeyInfo.</summary>
    public byte[] PublicKeyDer { get; }

    /// <summary>Parses a PEM <c>PUBLIC KEY</c>.</summary>
    public static VerificationKey FromPem(string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        if (!PemEncoding.TryFind(pem, out PemFields fields) || pem[fields.Label] != "PUBLIC KEY")
        {
            throw new NonoException(NonoErrorCode.InvalidPolicy, "public key is not a PEM 'PUBLIC KEY'");
        }

        return FromDer(Convert.FromBase64String(pem[fields.Base64Data].ToString()));
    }

    /// <summary>Parses a DER SubjectPublicKeyInfo.</summary>
    public static VerificationKey FromDer(byte[] spki)
    {
        ArgumentNullException.ThrowIfNull(spki);
        string algorithm = SpkiAlgorithm(spki);
        switch (algorithm)
        {
            case "1.2.840.10045.2.1":
                ECDsa ec = ECDsa.Create();
                ec.ImportSubjectPublicKeyInfo(spki, out _);
                return new VerificationKey(ec, null, spki);
            case "1.2.840.113549.1.1.1":
                RSA rsa = RSA.Create();
                rsa.ImportSubjectPublicKeyInfo(spki, out _);
                return new VerificationKey(null, rsa, spki);
            case "1.3.101.112":
                return new VerificationKey(null, null, spki, Ed25519PublicKey(spki));
            default:
                throw new NonoException(NonoErrorCode.VerificationFailed, $"unsupported public key algorithm {algorithm}");
        }
    }

    /// <summary>Creates a verification key from a certificate's public key.</summary>
    public static VerificationKey FromCertificate(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return FromDer(certificate.PublicKey.ExportSubjectPublicKeyInfo());
    }

    /// <summary>The hash the key's algorithm uses by default (by curve for ECDSA, SHA-256 for RSA).</summary>
    public HashAlgorithmName DefaultHash => _ec?.KeySize switch
    {
        384 => HashAlgorithmName.SHA384,
        521 => HashAlgorithmName.SHA512,
        _ => HashAlgorithmName.SHA256,
    };

    /// <summary>Verifies a signature over <paramref name="data"/>.</summary>
    public bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature, HashAlgorithmName? hash = null)
    {
        HashAlgorithmName h = hash ?? DefaultHash;
        if (_ed25519 is not null)
        {
            return Ed25519.Verify(_ed25519, data, signature);
        }

        try
        {
            if (_ec is not null)
            {
                return _ec.VerifyData(data, signature, h, DSASignatureFormat.Rfc3279DerSequence)
                    || _ec.VerifyData(data, signature, h, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            }

            return _rsa!.VerifyData(data, signature, h, RSASignaturePadding.Pkcs1);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>Verifies a signature over a precomputed digest.</summary>
    public bool VerifyDigest(ReadOnlySpan<byte> digest, ReadOnlySpan<byte> signature, HashAlgorithmName hash)
    {
        if (_ed25519 is not null)
        {
            return false; // pure Ed25519 signs messages, never digests
        }

        try
        {
            if (_ec is not null)
            {
                return _ec.VerifyHash(digest, signature, DSASignatureFormat.Rfc3279DerSequence)
                    || _ec.VerifyHash(digest, signature, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            }

            return _rsa!.VerifyHash(digest, signature, hash, RSASignaturePadding.Pkcs1);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _ec?.Dispose();
        _rsa?.Dispose();
    }

    private static byte[] Ed25519PublicKey(byte[] spki)
    {
        System.Formats.Asn1.AsnReader seq = new System.Formats.Asn1.AsnReader(spki, System.Formats.Asn1.AsnEncodingRules.DER).ReadSequence();
        seq.ReadSequence();
        byte[] key = seq.ReadBitString(out int unused);
        return unused == 0 && key.Length == 32 ? key : throw new NonoException(NonoErrorCode.VerificationFailed, "malformed Ed25519 public key");
    }

    private static string SpkiAlgorithm(byte[] spki)
    {
        try
        {
            System.Formats.Asn1.AsnReader reader = new(spki, System.Formats.Asn1.AsnEncodingRules.DER);
            System.Formats.Asn1.AsnReader seq = reader.ReadSequence();
            System.Formats.Asn1.AsnReader algorithm = seq.ReadSequence();
            return algorithm.ReadObjectIdentifier();
        }
        catch (System.Formats.Asn1.AsnContentException ex)
        {
            throw new NonoException(NonoErrorCode.VerificationFailed, "public key is not a DER SubjectPublicKeyInfo", inner: ex);
        }
    }
}
