using System.Buffers.Binary;

namespace Nono.Core.Snapshots;

/// <summary>
/// A SHA-256 object id held in four words instead of a 64-character string: pack indexes and manifests
/// load tens of thousands of them, and a string each was most of their load time. Words are read
/// big-endian, so keys compare in the same order as their lowercase hex forms.
/// </summary>
internal readonly record struct ObjectKey(ulong A, ulong B, ulong C, ulong D) : IComparable<ObjectKey>
{
    public const int Size = 32;

    private static readonly System.Buffers.SearchValues<char> s_lowerHex = System.Buffers.SearchValues.Create("0123456789abcdef");

    public static ObjectKey FromBytes(ReadOnlySpan<byte> bytes) => new(
        BinaryPrimitives.ReadUInt64BigEndian(bytes),
        BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]),
        BinaryPrimitives.ReadUInt64BigEndian(bytes[16..]),
        BinaryPrimitives.ReadUInt64BigEndian(bytes[24..]));

    /// <summary>Parses a hash as the store writes it: exactly 64 lowercase hex digits.</summary>
    public static bool TryParse(string? hash, out ObjectKey key)
    {
        key = default;
        if (hash is not { Length: Size * 2 } || hash.AsSpan().ContainsAnyExcept(s_lowerHex))
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[Size];
        Convert.FromHexString(hash, bytes, out _, out _);
        key = FromBytes(bytes);
        return true;
    }

    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, A);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], B);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], C);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], D);
    }

    public int CompareTo(ObjectKey other)
    {
        int c = A.CompareTo(other.A);
        c = c != 0 ? c : B.CompareTo(other.B);
        c = c != 0 ? c : C.CompareTo(other.C);
        return c != 0 ? c : D.CompareTo(other.D);
    }

    /// <summary>The lowercase hex form used in paths, JSON and reports.</summary>
    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[Size];
        WriteTo(bytes);
        return Convert.ToHexStringLower(bytes);
    }
}
