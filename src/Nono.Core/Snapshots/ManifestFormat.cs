using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using ZstdSharp;

namespace Nono.Core.Snapshots;

/// <summary>
/// The binary manifest (version 2), written since session 4 instead of zstd-compressed JSON (version 1,
/// still read). Layout, little-endian:
/// <code>
/// "NONOMF02" | u32 header length | header | body
/// header: str session | i32 index | i64 createdAt UTC ticks | i16 offset minutes | str merkleRoot
///         | i32 roots, each: str root | i32 entries | i32 skipped, each: bytes raw path | str kind
///         | i64 body length | 32-byte SHA-256 of the body frame
/// body:   one zstd frame holding every root's entries in order (see <see cref="EncodeEntries"/>)
/// </code>
/// str is u32 length + UTF-8, bytes is u32 length + raw bytes. No JSON and no object per field: loading
/// 30 k entries is one decompression and one pass, and an unchanged snapshot reuses the body frame.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static partial class ManifestFormat
{
    public const int Version = 2;

    /// <summary>Refuses absurd lengths before allocating (a corrupt header must not ask for gigabytes).</summary>
    private const long MaxBodyLength = 1L << 31;

    private static ReadOnlySpan<byte> Magic => "NONOMF02"u8;

    public static bool IsBinary(ReadOnlySpan<byte> file) => file.StartsWith(Magic);

    /// <summary>Encodes a manifest; <paramref name="reuse"/> is a body known to hold exactly these entries.</summary>
    public static byte[] Encode(Manifest manifest, ManifestBody? reuse, int compressionLevel = 3)
    {
        ManifestBody body = reuse ?? CompressEntries(manifest, compressionLevel);
        manifest.Body = body;
        using MemoryStream header = new();
        WriteString(header, manifest.Session);
        WriteInt32(header, manifest.Index);
        WriteInt64(header, manifest.CreatedAt.UtcTicks);
        Span<byte> offset = stackalloc byte[2];
        BinaryPrimitives.WriteInt16LittleEndian(offset, (short)manifest.CreatedAt.Offset.TotalMinutes);
        header.Write(offset);
        WriteString(header, manifest.MerkleRoot);
        WriteInt32(header, manifest.Roots.Count);
        foreach (ManifestRoot root in manifest.Roots)
        {
            WriteString(header, root.Root);
            WriteInt32(header, root.Entries.Count);
            WriteInt32(header, root.Skipped.Count);
            foreach (SkippedEntry skipped in root.Skipped)
            {
                WriteBytes(header, Native.RawName.ToBytes(skipped.Raw));
                WriteString(header, skipped.Kind);
            }
        }

        WriteInt64(header, body.Length);
        header.Write(body.Sha256);

        byte[] file = new byte[Magic.Length + 4 + header.Length + body.Compressed.Length];
        Magic.CopyTo(file);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(Magic.Length), (uint)header.Length);
        header.GetBuffer().AsSpan(0, (int)header.Length).CopyTo(file.AsSpan(Magic.Length + 4));
        body.Compressed.Span.CopyTo(file.AsSpan(Magic.Length + 4 + (int)header.Length));
        return file;
    }

    /// <summary>Decodes a binary manifest; throws <see cref="FormatException"/> on anything malformed.</summary>
    public static Manifest Decode(byte[] file)
    {
        if (!IsBinary(file))
        {
            throw new FormatException("not a binary manifest");
        }

        SpanReader outer = new(file, Magic.Length);
        int headerLength = outer.ReadLength();
        int bodyStart = outer.Position + headerLength;
        SpanReader reader = new(file.AsSpan(0, bodyStart), outer.Position);
        Manifest manifest = new() { Version = Version, Session = reader.ReadString(), Index = reader.ReadInt32() };
        long ticks = reader.ReadInt64();
        short minutes = reader.ReadInt16();
        if (ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks || Math.Abs((int)minutes) > 14 * 60)
        {
            throw new FormatException("creation time out of range");
        }

        manifest.CreatedAt = new DateTimeOffset(ticks, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(minutes));
        manifest.MerkleRoot = reader.ReadString();
        int rootCount = reader.ReadCount(4);
        List<int> counts = new(rootCount);
        for (int r = 0; r < rootCount; r++)
        {
            ManifestRoot root = new() { Root = reader.ReadString() };
            counts.Add(reader.ReadCount(0)); // bounded by the body length below
            int skipped = reader.ReadCount(8);
            for (int s = 0; s < skipped; s++)
            {
                string raw = Native.RawName.FromBytes(reader.ReadBytes());
                root.Skipped.Add(new SkippedEntry { Raw = raw, Path = Native.RawName.ToDisplay(raw), Kind = reader.ReadString() });
            }

            manifest.Roots.Add(root);
        }

        long bodyLength = reader.ReadInt64();
        byte[] sha = reader.ReadSpan(SHA256.HashSizeInBytes).ToArray();
        if (reader.Position != bodyStart || bodyLength < 0 || bodyLength > MaxBodyLength || counts.Sum(c => (long)c) * FixedEntryBytes > bodyLength)
        {
            throw new FormatException("malformed header");
        }

        ReadOnlyMemory<byte> compressed = file.AsMemory(bodyStart);
        if (!SHA256.HashData(compressed.Span).AsSpan().SequenceEqual(sha))
        {
            throw new FormatException("entries checksum mismatch");
        }

        manifest.Body = new ManifestBody(compressed, bodyLength, sha);
        byte[] entries = new byte[bodyLength];
        using (Decompressor decompressor = new())
        {
            if (decompressor.Unwrap(compressed.Span, entries) != bodyLength)
            {
                throw new FormatException("entries length mismatch");
            }
        }

        DecodeEntries(entries, manifest, counts);
        return manifest;
    }

    private static ManifestBody CompressEntries(Manifest manifest, int compressionLevel)
    {
        byte[] entries = EncodeEntries(manifest, out int length);
        try
        {
            using Compressor compressor = new(compressionLevel);
            byte[] compressed = compressor.Wrap(entries.AsSpan(0, length)).ToArray();
            return new ManifestBody(compressed, length, SHA256.HashData(compressed));
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(entries);
        }
    }

    private static void WriteInt32(MemoryStream stream, int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        stream.Write(bytes);
    }

    private static void WriteInt64(MemoryStream stream, long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        stream.Write(bytes);
    }

    private static void WriteBytes(MemoryStream stream, ReadOnlySpan<byte> bytes)
    {
        WriteInt32(stream, bytes.Length);
        stream.Write(bytes);
    }

    private static void WriteString(MemoryStream stream, string text) => WriteBytes(stream, Encoding.UTF8.GetBytes(text));
}
