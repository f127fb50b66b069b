using System.Security.Cryptography;
using Nono.Core.Audit;
using Nono.Core.Diagnostics;

namespace Nono.Core.Trust.Keys;

/// <summary>An ECDSA P-256 private key used to sign attestations (signatures are SHA-256, ASN.1 DER).</summary>
public sealed class SigningKey : IDisposable
{
    private readonly ECDsa _key;

    private SigningKey(ECDsa key)
    {
        _key = key;
        PublicKeyDer = key.ExportSubjectPublicKeyInfo();
        Hint = PublicKeyHint(PublicKeyDer);
    }

    /// <summary>The public key as DER SubjectPublicKeyInfo.</summary>
    public byte[] PublicKeyDer { get; }

    /// <summary>The Sigstore public key hint: base64 of SHA-256 over the DER public key.</summary>
    public string Hint { get; }

    /// <summary>The public key as PEM (<c>-----BEGIN PUBLIC KEY-----</c>).</summary>
    public string PublicKeyPem => PemEncoding.WriteString("PUBLIC KEY", PublicKeyDer) + "\n";

    /// <summary>Generates a fresh P-256 key.</summary>
    public static SigningKey Generate() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>Parses a PEM private key (PKCS#8 or SEC1). Only unencrypted P-256 keys are accepted.</summary>
    public static SigningKey FromPem(string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        ECDsa key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new NonoException(NonoErrorCode.InvalidPolicy, "signing key is not an unencrypted PEM EC private key", inner: ex);
        }

        ECParameters parameters = key.ExportParameters(includePrivateParameters: true);
        if (parameters.D is null || parameters.Curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
        {
            key.Dispose();
            throw new NonoException(NonoErrorCode.InvalidPolicy, "signing key must be an ECDSA P-256 private key");
        }

        return new SigningKey(key);
    }

    /// <summary>Loads the key a <see cref="KeyRef"/> points at.</summary>
    public static SigningKey Load(KeyRef keyRef, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(keyRef);
        ArgumentNullException.ThrowIfNull(environment);
        if (keyRef.Kind == KeyRefKind.Environment)
        {
            return environment.TryGetValue(keyRef.Location, out string? pem) && pem.Length > 0
                ? FromPem(pem)
                : throw new NonoException(NonoErrorCode.InvalidPolicy, $"environment variable {keyRef.Location} holding the signing key is not set");
        }

        return File.Exists(keyRef.Location)
            ? FromPem(File.ReadAllText(keyRef.Location))
            : throw new NonoException(NonoErrorCode.InvalidPolicy, $"signing key file not found: {keyRef.Location}", keyRef.Location);
    }

    /// <summary>Base64 SHA-256 of a DER public key (the Sigstore public key hint).</summary>
    public static string PublicKeyHint(ReadOnlySpan<byte> publicKeyDer) => Convert.ToBase64String(SHA256.HashData(publicKeyDer));

    /// <summary>
    /// Writes the private key (PKCS#8 PEM) to <paramref name="path"/> with mode 0600 and the public
    /// key to <paramref name="path"/>.pub, each atomically. Refuses to overwrite an existing key.
    /// </summary>
    public async Task WriteKeyPairAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (File.Exists(path) || File.Exists(path + ".pub"))
        {
            throw new NonoException(NonoErrorCode.InvalidPolicy, $"refusing to overwrite existing key {path}", path);
        }

        byte[] privatePem = System.Text.Encoding.ASCII.GetBytes(PemEncoding.WriteString("PRIVATE KEY", _key.ExportPkcs8PrivateKey()) + "\n");
        try
        {
            await AtomicFile.CreateNewAsync(path, privatePem, FileModes.PrivateFile, cancellationToken);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(privatePem);
        }

        await AtomicFile.CreateNewAsync(path + ".pub", System.Text.Encoding.ASCII.GetBytes(PublicKeyPem), FileModes.PrivateFile | UnixFileMode.GroupRead | UnixFileMode.OtherRead, cancellationToken);
    }

    /// <summary>Signs an already computed SHA-256 <paramref name="digest"/> (same signature as <see cref="Sign"/> over the data), DER-encoded.</summary>
    public byte[] SignDigest(ReadOnlySpan<byte> digest) => _key.SignHash(digest, DSASignatureFormat.Rfc3279DerSequence);

    /// <summary>Signs <paramref name="data"/> with ECDSA P-256 / SHA-256, DER-encoded.</summary>
    public byte[] Sign(ReadOnlySpan<byte> data) => _key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

    /// <inheritdoc/>
    public void Dispose() => _key.Dispose();
}
