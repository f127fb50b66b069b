using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Nono.Core.Snapshots;

/// <summary>
/// Merkle root over a manifest, in the RFC 6962 shape: leaf = SHA-256(0x00 || leaf bytes),
/// node = SHA-256(0x01 || left || right), split at the largest power of two below n, empty = SHA-256("").
/// The 0x00/0x01 prefixes keep a leaf from ever being read as an inner node (second-preimage attack).
/// Leaves are ordered by root index, then raw path in byte order.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class MerkleTree
{
    public static string ComputeRoot(Manifest manifest)
    {
        List<byte[]> leaves = [];
        for (int r = 0; r < manifest.Roots.Count; r++)
        {
            ManifestRoot root = manifest.Roots[r];
            foreach (ManifestEntry entry in root.Entries.OrderBy(e => e.Raw, StringComparer.Ordinal))
            {
                leaves.Add(HashLeaf(r, root.Root, entry));
            }
        }

        return Convert.ToHexStringLower(Root(leaves, 0, leaves.Count));
    }

    internal static byte[] HashLeaf(int rootIndex, string rootPath, ManifestEntry entry)
    {
        using MemoryStream ms = new();
        ms.WriteByte(0x00);
        Span<byte> word = stackalloc byte[8];
        BinaryPrimitives.WriteInt32BigEndian(word, rootIndex);
        ms.Write(word[..4]);
        WriteBytes(ms, System.Text.Encoding.UTF8.GetBytes(rootPath));
        WriteBytes(ms, Native.RawName.ToBytes(entry.Raw));
        ms.WriteByte((byte)entry.Type);
        BinaryPrimitives.WriteUInt32BigEndian(word, entry.Mode);
        ms.Write(word[..4]);
        BinaryPrimitives.WriteUInt32BigEndian(word, entry.Uid);
        ms.Write(word[..4]);
        BinaryPrimitives.WriteUInt32BigEndian(word, entry.Gid);
        ms.Write(word[..4]);
        BinaryPrimitives.WriteInt64BigEndian(word, entry.Size);
        ms.Write(word);
        BinaryPrimitives.WriteInt64BigEndian(word, entry.MtimeNs);
        ms.Write(word);
        ms.Write(entry.Hash is null ? new byte[32] : Convert.FromHexString(entry.Hash));
        WriteBytes(ms, entry.RawTarget is null ? [] : Native.RawName.ToBytes(entry.RawTarget));
        return SHA256.HashData(ms.ToArray());
    }

    private static void WriteBytes(MemoryStream ms, byte[] bytes)
    {
        Span<byte> len = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(len, bytes.Length);
        ms.Write(len);
        ms.Write(bytes);
    }

    private static byte[] Root(List<byte[]> leaves, int start, int count)
    {
        if (count == 0)
        {
            return SHA256.HashData([]);
        }

        if (count == 1)
        {
            return leaves[start];
        }

        int k = 1;
        while (k * 2 < count)
        {
            k *= 2;
        }

        byte[] node = new byte[65];
        node[0] = 0x01;
        Root(leaves, start, k).CopyTo(node, 1);
        Root(leaves, start + k, count - k).CopyTo(node, 33);
        return SHA256.HashData(node);
    }
}
