using System.Security.Cryptography;
using System.Text.Json;
using Nono.Core.Trust.Dsse;
using Nono.Core.Trust.InToto;
using Nono.Core.Trust.Keys;

namespace Nono.Core.Trust.Sigstore;

public static partial class SigstoreBundleVerifier
{
    private static SignedContent VerifyContent(SigstoreBundle bundle, BundleArtifact artifact, VerificationKey signer)
    {
        if (bundle.MessageSignature is { } message)
        {
            byte[] signature = message.Signature is { Length: > 0 } s ? s : throw Failure("message signature is empty");
            if (message.MessageDigest is { } digest)
            {
                if (digest.Algorithm != "SHA2_256")
                {
                    throw Failure($"unsupported message digest algorithm '{digest.Algorithm}'");
                }

                if (!CryptographicOperations.FixedTimeEquals(digest.Digest ?? [], artifact.Sha256))
                {
                    throw Failure("bundle message digest does not match the artifact");
                }
            }

            if (!signer.VerifyDigest(artifact.Sha256, signature, HashAlgorithmName.SHA256))
            {
                throw Failure("signature does not verify over the artifact");
            }

            return new SignedContent(signature, artifact.Sha256, null);
        }

        DsseEnvelope envelope = bundle.DsseEnvelope!;
        if (envelope.Signatures.Count != 1)
        {
            throw Failure($"DSSE envelope must carry exactly one signature, found {envelope.Signatures.Count}");
        }

        byte[] pae = DssePae.Encode(envelope.PayloadType, envelope.Payload);
        if (!signer.Verify(pae, envelope.Signatures[0].Sig))
        {
            throw Failure("DSSE signature does not verify");
        }

        if (envelope.PayloadType != InTotoStatement.PayloadType)
        {
            // Not a statement: the payload itself is the artifact.
            if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(envelope.Payload), artifact.Sha256))
            {
                throw Failure($"DSSE payload of type '{envelope.PayloadType}' is not the artifact");
            }
        }
        else
        {
            InTotoStatement statement = JsonSerializer.Deserialize(envelope.Payload, SigstoreJsonContext.Default.InTotoStatement)
                ?? throw Failure("in-toto statement is empty");
            if (statement.Type is not (InTotoStatement.TypeV1 or "https://in-toto.io/Statement/v0.1"))
            {
                throw Failure($"unsupported in-toto statement type '{statement.Type}'");
            }

            string wanted = Convert.ToHexStringLower(artifact.Sha256);
            bool matches = statement.Subject.Any(s => s.Digest.TryGetValue("sha256", out string? d) && string.Equals(d, wanted, StringComparison.OrdinalIgnoreCase));
            if (!matches)
            {
                throw Failure("artifact digest matches no subject of the in-toto statement");
            }
        }

        return new SignedContent(envelope.Signatures[0].Sig, SHA256.HashData(pae), envelope);
    }
}
