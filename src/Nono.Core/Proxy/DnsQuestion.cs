using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Nono.Core.Proxy;

/// <summary>
/// Reads the question of a DNS query (RFC 1035 4.1) and turns the query into its own refusal in place. Strict: one
/// question, uncompressed name, no more than 255 bytes; anything else is malformed.
/// </summary>
internal static class DnsQuestion
{
    public const int HeaderLength = 12;
    private const byte RcodeFormErr = 1;
    private const byte RcodeRefused = 5;
    private const int MaxNameLength = 255;

    /// <summary>Whether <paramref name="packet"/> is a query (QR = 0) with a complete header.</summary>
    public static bool IsQuery(ReadOnlySpan<byte> packet) => packet.Length >= HeaderLength && (packet[2] & 0x80) == 0;

    /// <summary>Parses the single question: the name (lower case, presentation form), its type, and where it ends.</summary>
    public static bool TryParse(ReadOnlySpan<byte> packet, out string name, out ushort type, out int end)
    {
        name = "";
        type = 0;
        end = 0;
        if (!IsQuery(packet) || BinaryPrimitives.ReadUInt16BigEndian(packet[4..]) != 1)
        {
            return false;
        }

        StringBuilder text = new();
        int at = HeaderLength;
        while (true)
        {
            if (at >= packet.Length || at - HeaderLength >= MaxNameLength)
            {
                return false;
            }

            int label = packet[at++];
            if (label == 0)
            {
                break;
            }

            if (label > 63 || at + label > packet.Length)
            {
                return false; // a compression pointer or an overrun: never in a well-formed question
            }

            if (text.Length > 0)
            {
                text.Append('.');
            }

            foreach (byte b in packet.Slice(at, label))
            {
                AppendPrintable(text, b);
            }

            at += label;
        }

        if (at + 4 > packet.Length)
        {
            return false;
        }

        name = text.Length == 0 ? "." : text.ToString();
        type = BinaryPrimitives.ReadUInt16BigEndian(packet[at..]);
        end = at + 4;
        return true;
    }

    /// <summary>
    /// Rewrites the query in <paramref name="packet"/> into its answer: same id, opcode and RD, QR set, REFUSED with the
    /// question echoed when <paramref name="questionEnd"/> &gt; 0, else FORMERR without one. Returns the answer's length.
    /// </summary>
    public static int WriteRefusal(Span<byte> packet, int questionEnd)
    {
        bool refused = questionEnd > 0;
        packet[2] = (byte)(0x80 | (packet[2] & 0x79)); // QR, keep opcode and RD; AA and TC clear
        packet[3] = refused ? RcodeRefused : RcodeFormErr; // RA, Z, AD, CD clear
        BinaryPrimitives.WriteUInt16BigEndian(packet[4..], (ushort)(refused ? 1 : 0));
        packet[6..HeaderLength].Clear(); // no answer, authority or additional records
        return refused ? questionEnd : HeaderLength;
    }

    /// <summary>The mnemonic of a query type (RFC 3597 form for the others).</summary>
    public static string TypeName(ushort type) => type switch
    {
        1 => "A",
        2 => "NS",
        5 => "CNAME",
        6 => "SOA",
        12 => "PTR",
        15 => "MX",
        16 => "TXT",
        28 => "AAAA",
        33 => "SRV",
        64 => "SVCB",
        65 => "HTTPS",
        255 => "ANY",
        _ => "TYPE" + type.ToString(CultureInfo.InvariantCulture),
    };

    private static void AppendPrintable(StringBuilder text, byte b)
    {
        if (b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9') or (byte)'-' or (byte)'_' or (byte)'*')
        {
            text.Append((char)b);
        }
        else if (b is >= (byte)'A' and <= (byte)'Z')
        {
            text.Append((char)(b + 32));
        }
        else
        {
            text.Append('\\').Append(b.ToString("D3", CultureInfo.InvariantCulture)); // dig's escape for other bytes
        }
    }
}
