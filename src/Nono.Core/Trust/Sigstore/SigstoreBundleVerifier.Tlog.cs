using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Nono.Core.Trust.Keys;

namespace Nono.Core.Trust.Sigstore;

public static partial class SigstoreBundleVerifier
{
    private static List<DateTimeOffset> VerifyTlogEntries(
        bool bundleV01,
        BundleVerificationMaterial material, SignedContent content, X509Certificate2? leaf, VerificationKey signer, TrustedRoot root, List<TrustedPublicKey> timestampedLogKeys)
    {
        IReadOnlyList<TransparencyLogEntry> entries = material.TlogEntries ?? [];
        if (entries.Count == 0)
        {
            throw Failure("bundle has no transparency log entry");
        }

        List<DateTimeOffset> times = [];
        foreach (TransparencyLogEntry entry in entries)
        {
            if (entry.LogIndex < 0 || entry.InclusionProof is { LogIndex: < 0 })
            {
                throw Failure("transparency log entry has a negative log index");
            }

            string kind = entry.KindVersion?.Kind ?? throw Failure("transparency log entry has no kind");
            string version = entry.KindVersion.Version ?? throw Failure("transparency log entry has no version");
            byte[] keyId = entry.LogId?.KeyId ?? throw Failure("transparency log entry has no log id");
            TransparencyLogInstance log = root.Tlogs?.FirstOrDefault(t => t.LogId?.KeyId is { } id && id.AsSpan().SequenceEqual(keyId))
                ?? throw Failure($"transparency log {Convert.ToBase64String(keyId)} is not in the trusted root");
            TrustedPublicKey logKeyInfo = log.PublicKey ?? throw Failure("trusted root log has no public key");
            if (logKeyInfo.ValidFor?.Start is null)
            {
                throw Failure("trusted root log key has no validity start");
            }

            using VerificationKey logKey = VerificationKey.FromDer(logKeyInfo.RawBytes ?? throw Failure("trusted root log key is empty"));
            byte[] body = entry.CanonicalizedBody ?? throw Failure("transparency log entry has no canonicalized body");
            RekorBody.Verify(kind, version, body, content, leaf, signer);

            bool rekorV2 = version == "0.0.2" && kind is "hashedrekord" or "dsse";
            // Bundle spec: v0.1 bundles carry an inclusion promise, v0.2+ an inclusion proof.
            if (bundleV01 && entry.InclusionPromise is null)
            {
                throw Failure("v0.1 bundle's log entry has no inclusion promise (SET)");
            }

            if (!bundleV01 && entry.InclusionProof is null)
            {
                throw Failure("log entry has no inclusion proof (required from bundle v0.2)");
            }

            if (entry.InclusionProof is { } proof)
            {
                VerifyInclusionProof(proof, body, log, logKey);
            }
            else if (rekorV2)
            {
                throw Failure("Rekor v2 entry has no inclusion proof");
            }

            if (rekorV2)
            {
                // No integrated time: the log key's validity is checked against the TSA time(s).
                timestampedLogKeys.Add(logKeyInfo);
                continue;
            }

            if (entry.IntegratedTime <= 0)
            {
                throw Failure("transparency log entry has no integrated time");
            }

            DateTimeOffset integrated = DateTimeOffset.FromUnixTimeSeconds(entry.IntegratedTime);
            if (!logKeyInfo.ValidFor.Contains(integrated))
            {
                throw Failure("transparency log key was not valid at the entry's integrated time");
            }

            if (entry.InclusionPromise?.SignedEntryTimestamp is { Length: > 0 } set)
            {
                string payload = $"{{\"body\":\"{Convert.ToBase64String(body)}\",\"integratedTime\":{entry.IntegratedTime},\"logID\":\"{Convert.ToHexStringLower(keyId)}\",\"logIndex\":{entry.LogIndex}}}";
                if (!logKey.Verify(Encoding.UTF8.GetBytes(payload), set, HashAlgorithmName.SHA256))
                {
                    throw Failure("signed entry timestamp (SET) does not verify with the log key");
                }

                times.Add(integrated);
            }
            else if (entry.InclusionProof is null)
            {
                throw Failure("transparency log entry has neither an inclusion promise nor an inclusion proof");
            }
        }

        return times;
    }

    private static void VerifyInclusionProof(InclusionProof proof, byte[] body, TransparencyLogInstance log, VerificationKey logKey)
    {
        byte[] rootHash = proof.RootHash ?? throw Failure("inclusion proof has no root hash");
        byte[] leafHash = MerkleTree.HashLeaf(body);
        byte[]? computed = MerkleTree.RootFromInclusionProof(proof.LogIndex, proof.TreeSize, leafHash, proof.Hashes ?? []);
        if (computed is null || !computed.AsSpan().SequenceEqual(rootHash))
        {
            throw Failure("inclusion proof does not lead to its root hash");
        }

        string envelope = proof.Checkpoint?.Envelope ?? throw Failure("inclusion proof has no checkpoint");
        SignedNote note = SignedNote.Parse(envelope) ?? throw Failure("checkpoint is malformed");
        if (note.TreeSize != proof.TreeSize || !note.RootHash.AsSpan().SequenceEqual(rootHash))
        {
            throw Failure("checkpoint does not match the inclusion proof's tree size and root hash");
        }

        if (!note.VerifyBy((log.CheckpointKeyId ?? log.LogId)?.KeyId ?? [], logKey))
        {
            throw Failure("checkpoint is not signed by the transparency log");
        }
    }
}
