using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Nono.Core.Snapshots.Packs;

/// <summary>
/// The index of a pack (<c>pack-ID.idx</c>): magic, entry count, then per object its SHA-256
/// (32 bytes), offset (u64) and compressed length (u32) in the pack, and finally a SHA-256 of all
/// preceding bytes. The trailer catches a damaged index; each object's content is still checked
/// against its own hash on every read.
/// </summary>
internal static class PackIndexFormat
{
    public const int EntrySize = 32 + 8 + 4;
    private static ReadOnlySpan<byte> Magic => "NONOPAK1"u8;

    public static byte[] Encode(IReadOnlyList<PackEntry> entries)
    {
        byte[] bytes = new byte[Magic.Length + 4 + (entries.Count * EntrySize) + SHA256.HashSizeInBytes];
        Magic.CopyTo(bytes);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(Magic.Length), (uint)entries.Count);
        int at = Magic.Length + 4;
        foreach (PackEntry entry in entries)
        {
            entry.Key.WriteTo(bytes.AsSpan(at, 32));
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(at + 32), (ulong)entry.Offset);
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at + 40), (uint)entry.Length);
            at += EntrySize;
        }

        SHA256.HashData(bytes.AsSpan(0, at), bytes.AsSpan(at));
        return bytes;
    }

    /// <summary>Parses an index; returns null and why when it is damaged or points outside a pack of <paramref name="packLength"/> bytes.</summary>
    public static List<PackEntry>? Decode(ReadOnlySpan<byte> bytes, long packLength, out string? problem)
    {
        problem = null;
        if (bytes.Length < Magic.Length + 4 + SHA256.HashSizeInBytes || !bytes.StartsWith(Magic))
        {
            problem = "not a pack index";
            return null;
        }

        uint count = BinaryPrimitives.ReadUInt32LittleEndian(bytes[Magic.Length..]);
        int body = bytes.Length - SHA256.HashSizeInBytes;
        if ((long)count * EntrySize != body - Magic.Length - 4)
        {
            problem = "index length does not match its entry count";
            return null;
        }

        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(bytes[..body], digest);
        if (!digest.SequenceEqual(bytes[body..]))
        {
            problem = "index checksum mismatch";
            return null;
        }

        List<PackEntry> entries = new((int)count);
        for (int at = Magic.Length + 4; at < body; at += EntrySize)
        {
            ulong offset = BinaryPrimitives.ReadUInt64LittleEndian(bytes[(at + 32)..]);
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(at + 40)..]);
            if (length == 0 || length > int.MaxValue || offset > (ulong)packLength || length > (ulong)packLength - offset)
            {
                problem = "index points outside the pack";
                return null;
            }

            entries.Add(new PackEntry(ObjectKey.FromBytes(bytes.Slice(at, 32)), (long)offset, (int)length));
        }

        return entries;
    }
}
