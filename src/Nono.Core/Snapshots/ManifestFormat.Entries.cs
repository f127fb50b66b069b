using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Nono.Core.Snapshots;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static partial class ManifestFormat
{
    // Entry record: u32 path length | raw path | u8 type | u8 flags | u32 mode | u32 uid | u32 gid
    //               | i64 size | i64 mtimeNs | i64 ctimeNs | u64 inode | [32-byte hash] | [u32 length | raw target]
    private const int FixedEntryBytes = 4 + 1 + 1 + 4 + 4 + 4 + 8 + 8 + 8 + 8;
    private const byte HasHash = 1;
    private const byte HasTarget = 2;

    /// <summary>Every root's entries as records, into a pooled buffer of exactly the needed size (return it to the pool).</summary>
    private static byte[] EncodeEntries(Manifest manifest, out int length)
    {
        length = 0;
        foreach (ManifestRoot root in manifest.Roots)
        {
            foreach (ManifestEntry entry in root.Entries)
            {
                length += FixedEntryBytes + entry.Raw.Length + (entry.HasHash ? 32 : 0) + (entry.RawTarget is null ? 0 : 4 + entry.RawTarget.Length);
            }
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        Span<byte> span = buffer.AsSpan(0, length);
        int at = 0;
        foreach (ManifestRoot root in manifest.Roots)
        {
            foreach (ManifestEntry entry in root.Entries)
            {
                at = EncodeEntry(entry, span, at);
            }
        }

        return buffer;
    }

    private static int EncodeEntry(ManifestEntry entry, Span<byte> span, int at)
    {
        BinaryPrimitives.WriteInt32LittleEndian(span[at..], entry.Raw.Length);
        at += 4;
        at += Encoding.Latin1.GetBytes(entry.Raw, span[at..]);
        span[at++] = (byte)entry.Type;
        span[at++] = (byte)((entry.HasHash ? HasHash : 0) | (entry.RawTarget is null ? 0 : HasTarget));
        BinaryPrimitives.WriteUInt32LittleEndian(span[at..], entry.Mode);
        BinaryPrimitives.WriteUInt32LittleEndian(span[(at + 4)..], entry.Uid);
        BinaryPrimitives.WriteUInt32LittleEndian(span[(at + 8)..], entry.Gid);
        BinaryPrimitives.WriteInt64LittleEndian(span[(at + 12)..], entry.Size);
        BinaryPrimitives.WriteInt64LittleEndian(span[(at + 20)..], entry.MtimeNs);
        BinaryPrimitives.WriteInt64LittleEndian(span[(at + 28)..], entry.CtimeNs);
        BinaryPrimitives.WriteUInt64LittleEndian(span[(at + 36)..], entry.Inode);
        at += 44;
        if (entry.HasHash)
        {
            ObjectKey key = entry.HashKey ?? throw new ArgumentException("entry holds an invalid content hash", nameof(entry));
            key.WriteTo(span.Slice(at, ObjectKey.Size));
            at += ObjectKey.Size;
        }

        if (entry.RawTarget is not null)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[at..], entry.RawTarget.Length);
            at += 4;
            at += Encoding.Latin1.GetBytes(entry.RawTarget, span[at..]);
        }

        return at;
    }

    private static void DecodeEntries(ReadOnlySpan<byte> bytes, Manifest manifest, List<int> counts)
    {
        SpanReader reader = new(bytes);
        for (int r = 0; r < manifest.Roots.Count; r++)
        {
            List<ManifestEntry> entries = new(counts[r]);
            for (int i = 0; i < counts[r]; i++)
            {
                entries.Add(DecodeEntry(ref reader));
            }

            manifest.Roots[r].Entries = entries;
        }

        if (reader.Remaining != 0)
        {
            throw new FormatException("trailing bytes after the entries");
        }
    }

    private static ManifestEntry DecodeEntry(ref SpanReader reader)
    {
        ManifestEntry entry = new() { Raw = Native.RawName.FromBytes(reader.ReadBytes()) };
        byte type = reader.ReadByte();
        byte flags = reader.ReadByte();
        if (type > (byte)EntryType.Symlink || (flags & ~(HasHash | HasTarget)) != 0)
        {
            throw new FormatException("unknown entry type or flags");
        }

        entry.Type = (EntryType)type;
        entry.Mode = reader.ReadUInt32();
        entry.Uid = reader.ReadUInt32();
        entry.Gid = reader.ReadUInt32();
        entry.Size = reader.ReadInt64();
        entry.MtimeNs = reader.ReadInt64();
        entry.CtimeNs = reader.ReadInt64();
        entry.Inode = reader.ReadUInt64();
        if ((flags & HasHash) != 0)
        {
            entry.HashKey = ObjectKey.FromBytes(reader.ReadSpan(ObjectKey.Size));
        }

        if ((flags & HasTarget) != 0)
        {
            entry.RawTarget = Native.RawName.FromBytes(reader.ReadBytes());
        }

        return entry;
    }
}
