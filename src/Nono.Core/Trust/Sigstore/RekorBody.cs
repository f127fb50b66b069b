using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Nono.Core.Trust.Keys;

namespace Nono.Core.Trust.Sigstore;

/// <summary>
/// Matches a Rekor entry's canonicalized body with what the bundle signs: hashedrekord 0.0.1/0.0.2,
/// dsse 0.0.1/0.0.2 and intoto 0.0.2. The entry must name the same digest, signature and signer.
/// </summary>
internal static class RekorBody
{
    public static void Verify(string kind, string version, byte[] body, SignedContent content, X509Certificate2? leaf, VerificationKey signer)
    {
        using JsonDocument document = JsonDocument.Parse(body);
        JsonElement root = document.RootElement;
        if (Str(root, "kind") != kind || Str(root, "apiVersion") != version)
        {
            throw Mismatch("kind or version differs from the bundle's kindVersion");
        }

        JsonElement spec = Get(root, "spec");
        switch ((kind, version))
        {
            case ("hashedrekord", "0.0.1"):
                Require(content.Envelope is null, "hashedrekord entry for a DSSE bundle");
                Require(Str(spec, "data", "hash", "algorithm") == "sha256", "unsupported hash algorithm");
                Require(HexEquals(Str(spec, "data", "hash", "value"), content.Digest), "artifact digest differs from the log entry");
                Require(B64Equals(Str(spec, "signature", "content"), content.Signature), "signature differs from the log entry");
                Require(SignerMatchesPem(Str(spec, "signature", "publicKey", "content"), leaf, signer), "signing key or certificate differs from the log entry");
                break;
            case ("hashedrekord", "0.0.2"):
                JsonElement v2 = Get(spec, "hashedRekordV002");
                Require(Str(v2, "data", "algorithm") == "SHA2_256", "unsupported hash algorithm");
                Require(B64Equals(Str(v2, "data", "digest"), content.Digest), "signed digest differs from the log entry");
                Require(B64Equals(Str(v2, "signature", "content"), content.Signature), "signature differs from the log entry");
                Require(SignerMatchesVerifier(Get(v2, "signature", "verifier"), leaf, signer), "signing key or certificate differs from the log entry");
                break;
            case ("dsse", "0.0.1"):
                Require(content.Envelope is not null, "dsse entry for a message signature bundle");
                Require(HexEquals(Str(spec, "payloadHash", "value"), SHA256.HashData(content.Envelope!.Payload)), "DSSE payload differs from the log entry");
                Require(Get(spec, "signatures").EnumerateArray().Any(s =>
                    B64Equals(Str(s, "signature"), content.Signature) && SignerMatchesPem(Str(s, "verifier"), leaf, signer)), "DSSE signature differs from the log entry");
                break;
            case ("dsse", "0.0.2"):
                Require(content.Envelope is not null, "dsse entry for a message signature bundle");
                JsonElement d2 = Get(spec, "dsseV002");
                Require(B64Equals(Str(d2, "payloadHash", "digest"), SHA256.HashData(content.Envelope!.Payload)), "DSSE payload differs from the log entry");
                Require(Get(d2, "signatures").EnumerateArray().Any(s =>
                    B64Equals(Str(s, "content"), content.Signature) && SignerMatchesVerifier(Get(s, "verifier"), leaf, signer)), "DSSE signature differs from the log entry");
                break;
            case ("intoto", "0.0.2"):
                Require(content.Envelope is not null, "intoto entry for a message signature bundle");
                JsonElement c = Get(spec, "content");
                Require(HexEquals(Str(c, "payloadHash", "value"), SHA256.HashData(content.Envelope!.Payload)), "in-toto payload differs from the log entry");
                Require(Get(c, "envelope", "signatures").EnumerateArray().Any(s =>
                    DoubleB64Equals(Str(s, "sig"), content.Signature) && SignerMatchesPem(Str(s, "publicKey"), leaf, signer)), "in-toto signature differs from the log entry");
                break;
            default:
                throw Mismatch($"unsupported entry kind {kind} {version}");
        }
    }

    private static bool SignerMatchesPem(string? base64Pem, X509Certificate2? leaf, VerificationKey signer)
    {
        if (base64Pem is null)
        {
            return false;
        }

        string pem = Encoding.UTF8.GetString(Convert.FromBase64String(base64Pem));
        if (!PemEncoding.TryFind(pem, out PemFields fields))
        {
            return false;
        }

        byte[] der = Convert.FromBase64String(pem[fields.Base64Data].ToString());
        string label = pem[fields.Label].ToString();
        return leaf is not null
            ? label == "CERTIFICATE" && der.AsSpan().SequenceEqual(leaf.RawData)
            : label == "PUBLIC KEY" && der.AsSpan().SequenceEqual(signer.PublicKeyDer);
    }

    private static bool SignerMatchesVerifier(JsonElement verifier, X509Certificate2? leaf, VerificationKey signer)
    {
        if (leaf is not null)
        {
            return Str(verifier, "x509Certificate", "rawBytes") is { } cert && B64Equals(cert, leaf.RawData);
        }

        return Str(verifier, "publicKey", "rawBytes") is { } key && B64Equals(key, signer.PublicKeyDer);
    }

    private static JsonElement Get(JsonElement element, params string[] path)
    {
        foreach (string name in path)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element))
            {
                throw Mismatch($"log entry body has no '{name}'");
            }
        }

        return element;
    }

    private static string? Str(JsonElement element, params string[] path)
    {
        foreach (string name in path)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element))
            {
                return null;
            }
        }

        return element.ValueKind == JsonValueKind.String ? element.GetString() : null;
    }

    private static bool HexEquals(string? hex, byte[] expected) =>
        hex is not null && string.Equals(hex, Convert.ToHexStringLower(expected), StringComparison.OrdinalIgnoreCase);

    private static bool B64Equals(string? b64, byte[] expected)
    {
        if (b64 is null)
        {
            return false;
        }

        try
        {
            return Convert.FromBase64String(b64).AsSpan().SequenceEqual(expected);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>intoto 0.0.2 stores signatures base64-encoded twice.</summary>
    private static bool DoubleB64Equals(string? b64, byte[] expected)
    {
        if (b64 is null)
        {
            return false;
        }

        try
        {
            return B64Equals(Encoding.ASCII.GetString(Convert.FromBase64String(b64)), expected);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static void Require(bool condition, string problem)
    {
        if (!condition)
        {
            throw Mismatch(problem);
        }
    }

    private static Diagnostics.NonoException Mismatch(string problem) => SigstoreBundleVerifier.Failure("transparency log entry does not match the bundle: " + problem);
}
