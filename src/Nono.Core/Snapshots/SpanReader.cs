using System.Buffers.Binary;
using System.Text;

namespace Nono.Core.Snapshots;

/// <summary>Bounds-checked little-endian reader over a byte span; anything past the end is a <see cref="FormatException"/>.</summary>
internal ref struct SpanReader
{
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly ReadOnlySpan<byte> _bytes;

    public SpanReader(ReadOnlySpan<byte> bytes, int position = 0)
    {
        _bytes = bytes;
        Position = position;
    }

    public int Position { get; private set; }

    public readonly int Remaining => _bytes.Length - Position;

    public ReadOnlySpan<byte> ReadSpan(int length)
    {
        if (length < 0 || length > Remaining)
        {
            throw new FormatException("truncated");
        }

        ReadOnlySpan<byte> span = _bytes.Slice(Position, length);
        Position += length;
        return span;
    }

    public byte ReadByte() => ReadSpan(1)[0];

    public short ReadInt16() => BinaryPrimitives.ReadInt16LittleEndian(ReadSpan(2));

    public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(ReadSpan(4));

    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(ReadSpan(4));

    public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(ReadSpan(8));

    public ulong ReadUInt64() => BinaryPrimitives.ReadUInt64LittleEndian(ReadSpan(8));

    /// <summary>A u32 length that must fit in what is left.</summary>
    public int ReadLength()
    {
        uint length = ReadUInt32();
        return length <= (uint)Remaining ? (int)length : throw new FormatException("length past the end");
    }

    /// <summary>A count of items of at least <paramref name="minItemBytes"/> each, which must fit in what is left.</summary>
    public int ReadCount(int minItemBytes)
    {
        uint count = ReadUInt32();
        return count <= int.MaxValue && (ulong)count * (ulong)minItemBytes <= (ulong)Remaining ? (int)count : throw new FormatException("count past the end");
    }

    public ReadOnlySpan<byte> ReadBytes() => ReadSpan(ReadLength());

    public string ReadString()
    {
        try
        {
            return s_strictUtf8.GetString(ReadBytes());
        }
        catch (DecoderFallbackException ex)
        {
            throw new FormatException("text is not UTF-8", ex);
        }
    }
}
