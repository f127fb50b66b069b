using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Nono.Core.Trust;

namespace Nono.Testing.Sigstore;

/// <summary>
/// A Rekor v1-like log: appends canonicalized entries to an RFC 6962 Merkle tree, signs a SET over
/// <c>{body, integratedTime, logID, logIndex}</c> and a signed-note checkpoint with the log key, and
/// answers with the inclusion proof for the new entry.
/// </summary>
public sealed class TestTransparencyLog : IDisposable
{
    private readonly List<byte[]> _leaves = [];
    private readonly Lock _lock = new();

    public ECDsa Key { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public byte[] LogId => SHA256.HashData(Key.ExportSubjectPublicKeyInfo());

    public const string Origin = "nono-test-rekor - 1";

    /// <summary>The key name on checkpoint signature lines (a note key name has no spaces).</summary>
    public const string KeyName = "nono-test-rekor";

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _leaves.Count;
            }
        }
    }

    /// <summary>Appends <paramref name="body"/> and returns the Rekor v1 <c>LogEntry</c> answer (uuid → entry).</summary>
    public JsonObject Append(byte[] body, DateTimeOffset integratedTime)
    {
        lock (_lock)
        {
            _leaves.Add(MerkleTree.HashLeaf(body));
            long index = _leaves.Count - 1;
            long size = _leaves.Count;
            byte[] root = MerkleTree.Root(_leaves);
            List<byte[]> path = AuditPath((int)index, 0, _leaves.Count);
            string logId = Convert.ToHexStringLower(LogId);
            long time = integratedTime.ToUnixTimeSeconds();
            string setPayload = $"{{\"body\":\"{Convert.ToBase64String(body)}\",\"integratedTime\":{time},\"logID\":\"{logId}\",\"logIndex\":{index}}}";
            byte[] set = Key.SignData(Encoding.UTF8.GetBytes(setPayload), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
            JsonObject entry = new()
            {
                ["body"] = Convert.ToBase64String(body),
                ["integratedTime"] = time,
                ["logID"] = logId,
                ["logIndex"] = index,
                ["verification"] = new JsonObject
                {
                    ["inclusionProof"] = new JsonObject
                    {
                        ["checkpoint"] = Checkpoint(size, root),
                        ["hashes"] = new JsonArray([.. path.Select(h => (JsonNode)Convert.ToHexStringLower(h))]),
                        ["logIndex"] = index,
                        ["rootHash"] = Convert.ToHexStringLower(root),
                        ["treeSize"] = size,
                    },
                    ["signedEntryTimestamp"] = Convert.ToBase64String(set),
                },
            };
            return new JsonObject { [Convert.ToHexStringLower(MerkleTree.HashLeaf(body))] = entry };
        }
    }

    private string Checkpoint(long size, byte[] root)
    {
        string text = $"{Origin}\n{size}\n{Convert.ToBase64String(root)}\n";
        byte[] signature = Key.SignData(Encoding.UTF8.GetBytes(text), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        return $"{text}\n\u2014 {KeyName} {Convert.ToBase64String([.. LogId.AsSpan(0, 4), .. signature])}\n";
    }

    /// <summary>RFC 6962 §2.1.1 PATH(m, D[start:end]).</summary>
    private List<byte[]> AuditPath(int m, int start, int end)
    {
        int n = end - start;
        if (n <= 1)
        {
            return [];
        }

        int k = 1;
        while (k << 1 < n)
        {
            k <<= 1;
        }

        if (m < k)
        {
            List<byte[]> left = AuditPath(m, start, start + k);
            left.Add(MerkleTree.Root(_leaves.GetRange(start + k, n - k)));
            return left;
        }

        List<byte[]> right = AuditPath(m - k, start + k, end);
        right.Add(MerkleTree.Root(_leaves.GetRange(start, k)));
        return right;
    }

    public void Dispose() => Key.Dispose();
}
