using System.Text;

namespace Nono.Core.Snapshots.Native;

/// <summary>
/// Linux file names are arbitrary bytes (except NUL and '/'), which a .NET string cannot hold
/// losslessly through UTF-8. Inside this feature a path is therefore a "raw string": each byte is
/// one char U+0000..U+00FF (Latin-1 mapping). It round-trips every byte, sorts in byte order with
/// ordinal comparison, and is converted back to bytes only at the syscall boundary. The manifest
/// stores valid UTF-8 names as text and anything else as base64; users see an escaped form.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class RawName
{
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The raw form of a .NET (UTF-16) path, e.g. a root from the configuration.</summary>
    public static string FromString(string text) => Encoding.Latin1.GetString(Encoding.UTF8.GetBytes(text));

    public static string FromBytes(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);

    public static byte[] ToBytes(string raw) => Encoding.Latin1.GetBytes(raw);

    /// <summary>NUL-terminated bytes for a syscall. A raw string never contains NUL (the kernel forbids it in names).</summary>
    public static byte[] ToZ(string raw)
    {
        byte[] z = new byte[raw.Length + 1];
        WriteZ(raw, z);
        return z;
    }

    /// <summary>Writes the NUL-terminated bytes of <paramref name="raw"/> into <paramref name="destination"/> (at least one byte longer).</summary>
    public static void WriteZ(ReadOnlySpan<char> raw, Span<byte> destination)
    {
        if (raw.ContainsAnyExceptInRange('\u0001', '\u00ff'))
        {
            throw new ArgumentException("not a raw file name", nameof(raw));
        }

        destination[Encoding.Latin1.GetBytes(raw, destination)] = 0;
    }

    /// <summary>The UTF-8 text of a raw name, or null when its bytes are not valid UTF-8.</summary>
    public static string? ToUtf8OrNull(string raw)
    {
        try
        {
            return s_strictUtf8.GetString(ToBytes(raw));
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    public static string ToBase64(string raw) => Convert.ToBase64String(ToBytes(raw));

    public static string FromBase64(string base64) => FromBytes(Convert.FromBase64String(base64));

    /// <summary>
    /// A one-line, unambiguous form for people: valid UTF-8 is shown as is, except that control
    /// characters (C0, C1, line separators, bidi controls: their UTF-8 bytes), backslash and bytes that are not UTF-8 are written as \xNN (backslash as \\).
    /// </summary>
    public static string ToDisplay(string raw)
    {
        if (!raw.AsSpan().ContainsAnyExceptInRange(' ', '~') && !raw.Contains('\\', StringComparison.Ordinal))
        {
            return raw; // printable ASCII: already its own display form
        }

        byte[] bytes = ToBytes(raw);
        StringBuilder sb = new(bytes.Length);
        int i = 0;
        while (i < bytes.Length)
        {
            System.Buffers.OperationStatus status = System.Text.Rune.DecodeFromUtf8(bytes.AsSpan(i), out Rune rune, out int consumed);
            if (status != System.Buffers.OperationStatus.Done)
            {
                sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\x{bytes[i]:x2}");
                i++;
                continue;
            }

            if (rune.Value == '\\')
            {
                sb.Append("\\\\");
            }
            else if (rune.Value < 0x20 || rune.Value == 0x7F)
            {
                sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\x{rune.Value:x2}");
            }
            else if (Misleads(rune.Value))
            {
                foreach (byte b in bytes.AsSpan(i, consumed))
                {
                    sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\x{b:x2}");
                }
            }
            else
            {
                sb.Append(rune.ToString());
            }

            i += consumed;
        }

        return sb.ToString();
    }

    /// <summary>
    /// C1 controls (a terminal acts on U+009B as on ESC [), line and paragraph separators, and the bidirectional
    /// marks, embeddings, overrides and isolates, which reorder what follows them on the line.
    /// </summary>
    private static bool Misleads(int c) =>
        c is (>= 0x80 and <= 0x9F) or 0x2028 or 0x2029 or 0x061C or 0x200E or 0x200F or (>= 0x202A and <= 0x202E) or (>= 0x2066 and <= 0x2069);

    /// <summary>Joins a relative raw directory path and a raw name.</summary>
    public static string Join(string relativeDirectory, string name) => relativeDirectory.Length == 0 ? name : relativeDirectory + "/" + name;

    /// <summary>Splits a relative raw path into its parent (possibly empty) and last component.</summary>
    public static (string Parent, string Name) Split(string relativePath)
    {
        int slash = relativePath.LastIndexOf('/');
        return slash < 0 ? ("", relativePath) : (relativePath[..slash], relativePath[(slash + 1)..]);
    }
}
