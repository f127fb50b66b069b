namespace Nono.Core.Trust;

/// <summary>
/// RFC 6962 / RFC 9162 Merkle tree hashing: leaves are <c>SHA-256(0x00 || data)</c>, interior
/// nodes <c>SHA-256(0x01 || left || right)</c>. Used for the audit Merkle root and for Rekor
/// inclusion proofs.
/// </summary>
internal static class MerkleTree
{
    public static byte[] HashLeaf(ReadOnlySpan<byte> data)
    {
        ManagedSha256 sha = new();
        sha.AppendData([0x00]);
        sha.AppendData(data);
        return sha.GetHash();
    }

    public static byte[] HashChildren(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        ManagedSha256 sha = new();
        sha.AppendData([0x01]);
        sha.AppendData(left);
        sha.AppendData(right);
        return sha.GetHash();
    }

    /// <summary>The Merkle tree head over already-hashed leaves (MTH of RFC 6962 §2.1).</summary>
    public static byte[] Root(IReadOnlyList<byte[]> leafHashes)
    {
        if (leafHashes.Count == 0)
        {
            return ManagedSha256.HashData(ReadOnlySpan<byte>.Empty);
        }

        List<byte[]> level = [.. leafHashes];
        while (level.Count > 1)
        {
            List<byte[]> next = new((level.Count + 1) / 2);
            for (int i = 0; i < level.Count; i += 2)
            {
                // RFC 6962 splits at the largest power of two below n; pairing left to right and
                // promoting the odd last node gives the same root.
                next.Add(i + 1 < level.Count ? HashChildren(level[i], level[i + 1]) : level[i]);
            }

            level = next;
        }

        return level[0];
    }

    /// <summary>
    /// Computes the root implied by an inclusion proof (RFC 9162 §2.1.3.2). Returns null when the
    /// proof is malformed (wrong length, index out of range).
    /// </summary>
    public static byte[]? RootFromInclusionProof(long index, long treeSize, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]> proof)
    {
        if (index < 0 || treeSize <= 0 || index >= treeSize)
        {
            return null;
        }

        long fn = index;
        long sn = treeSize - 1;
        byte[] r = leafHash.ToArray();
        foreach (byte[] p in proof)
        {
            if (p.Length != 32 || sn == 0)
            {
                return null;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                r = HashChildren(p, r);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                r = HashChildren(r, p);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 ? r : null;
    }
}
