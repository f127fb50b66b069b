using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

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
    private const int HashSize = SHA256.HashSizeInBytes;

    /// <summary>Leaves hashed per parallel work item: enough to amortize scheduling, small enough to spread.</summary>
    private const int LeavesPerChunk = 2048;

    public static string ComputeRoot(Manifest manifest)
    {
        List<(int Index, byte[] RootPath, ManifestEntry Entry)> leaves = [];
        for (int r = 0; r < manifest.Roots.Count; r++)
        {
            ManifestRoot root = manifest.Roots[r];
            byte[] rootPath = Encoding.UTF8.GetBytes(root.Root);
            IEnumerable<ManifestEntry> ordered = IsSorted(root.Entries) ? root.Entries : root.Entries.OrderBy(e => e.Raw, StringComparer.Ordinal);
            foreach (ManifestEntry entry in ordered)
            {
                leaves.Add((r, rootPath, entry));
            }
        }

        // Leaves are independent: hash them on all cores into one buffer (no array per leaf or node).
        byte[] hashes = new byte[leaves.Count * HashSize];
        int chunks = (leaves.Count + LeavesPerChunk - 1) / LeavesPerChunk;
        ParallelWork.ForEach(Enumerable.Range(0, chunks), chunk =>
        {
            int end = Math.Min(leaves.Count, (chunk + 1) * LeavesPerChunk);
            for (int i = chunk * LeavesPerChunk; i < end; i++)
            {
                HashLeaf(leaves[i].Index, leaves[i].RootPath, leaves[i].Entry, hashes.AsSpan(i * HashSize, HashSize));
            }
        }, CancellationToken.None);

        Span<byte> top = stackalloc byte[HashSize];
        Root(hashes, leaves.Count, top);
        return Convert.ToHexStringLower(top);
    }

    internal static byte[] HashLeaf(int rootIndex, string rootPath, ManifestEntry entry)
    {
        byte[] hash = new byte[HashSize];
        HashLeaf(rootIndex, Encoding.UTF8.GetBytes(rootPath), entry, hash);
        return hash;
    }

    private static void HashLeaf(int rootIndex, ReadOnlySpan<byte> rootPath, ManifestEntry entry, Span<byte> destination)
    {
        ObjectKey? key = entry.HashKey;
        if (entry.HasHash && key is null)
        {
            HashLeafOfMalformedHash(rootIndex, rootPath, entry, destination);
            return;
        }

        int targetLength = entry.RawTarget?.Length ?? 0;
        int length = 1 + 4 + 4 + rootPath.Length + 4 + entry.Raw.Length + 1 + 4 + 4 + 4 + 8 + 8 + HashSize + 4 + targetLength;
        byte[]? rented = length > 1024 ? ArrayPool<byte>.Shared.Rent(length) : null;
        Span<byte> leaf = rented is null ? stackalloc byte[length] : rented.AsSpan(0, length);
        leaf[0] = 0x00;
        BinaryPrimitives.WriteInt32BigEndian(leaf[1..], rootIndex);
        int at = WriteBytes(leaf, 5, rootPath);
        BinaryPrimitives.WriteInt32BigEndian(leaf[at..], entry.Raw.Length);
        at += 4 + Encoding.Latin1.GetBytes(entry.Raw, leaf[(at + 4)..]);
        leaf[at++] = (byte)entry.Type;
        BinaryPrimitives.WriteUInt32BigEndian(leaf[at..], entry.Mode);
        BinaryPrimitives.WriteUInt32BigEndian(leaf[(at + 4)..], entry.Uid);
        BinaryPrimitives.WriteUInt32BigEndian(leaf[(at + 8)..], entry.Gid);
        BinaryPrimitives.WriteInt64BigEndian(leaf[(at + 12)..], entry.Size);
        BinaryPrimitives.WriteInt64BigEndian(leaf[(at + 20)..], entry.MtimeNs);
        at += 28;
        Span<byte> hash = leaf.Slice(at, HashSize);
        if (key is null)
        {
            hash.Clear();
        }
        else
        {
            key.Value.WriteTo(hash);
        }

        at += HashSize;
        BinaryPrimitives.WriteInt32BigEndian(leaf[at..], targetLength);
        at += 4;
        if (entry.RawTarget is not null)
        {
            at += Encoding.Latin1.GetBytes(entry.RawTarget, leaf[at..]);
        }

        SHA256.HashData(leaf[..at], destination);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// A tampered JSON manifest may hold a hash that is not 64 lowercase hex digits: hash its decoded bytes
    /// exactly as earlier versions did (so its root still differs and verify reports it; non-hex throws).
    /// </summary>
    private static void HashLeafOfMalformedHash(int rootIndex, ReadOnlySpan<byte> rootPath, ManifestEntry entry, Span<byte> destination)
    {
        using MemoryStream ms = new();
        Span<byte> word = stackalloc byte[8];
        ms.WriteByte(0x00);
        BinaryPrimitives.WriteInt32BigEndian(word, rootIndex);
        ms.Write(word[..4]);
        WriteBytes(ms, rootPath);
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
        ms.Write(Convert.FromHexString(entry.Hash ?? ""));
        WriteBytes(ms, entry.RawTarget is null ? [] : Native.RawName.ToBytes(entry.RawTarget));
        SHA256.HashData(ms.GetBuffer().AsSpan(0, (int)ms.Length), destination);
    }

    private static void WriteBytes(MemoryStream ms, ReadOnlySpan<byte> bytes)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        ms.Write(length);
        ms.Write(bytes);
    }

    private static int WriteBytes(Span<byte> leaf, int at, ReadOnlySpan<byte> bytes)
    {
        BinaryPrimitives.WriteInt32BigEndian(leaf[at..], bytes.Length);
        bytes.CopyTo(leaf[(at + 4)..]);
        return at + 4 + bytes.Length;
    }

    private static bool IsSorted(List<ManifestEntry> entries)
    {
        for (int i = 1; i < entries.Count; i++)
        {
            if (string.CompareOrdinal(entries[i - 1].Raw, entries[i].Raw) > 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The root of <paramref name="count"/> consecutive leaf hashes starting at the front of <paramref name="leaves"/>.</summary>
    private static void Root(ReadOnlySpan<byte> leaves, int count, Span<byte> destination)
    {
        if (count == 0)
        {
            SHA256.HashData([], destination);
            return;
        }

        if (count == 1)
        {
            leaves[..HashSize].CopyTo(destination);
            return;
        }

        int k = 1;
        while (k * 2 < count)
        {
            k *= 2;
        }

        Span<byte> node = stackalloc byte[1 + (2 * HashSize)];
        node[0] = 0x01;
        Root(leaves, k, node.Slice(1, HashSize));
        Root(leaves[(k * HashSize)..], count - k, node.Slice(1 + HashSize, HashSize));
        SHA256.HashData(node, destination);
    }
}
