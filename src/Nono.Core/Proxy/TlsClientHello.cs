using System.Buffers.Binary;
using System.Text;

namespace Nono.Core.Proxy;

/// <summary>What the first bytes of a tunnel show about its TLS handshake.</summary>
internal enum ClientHelloStatus
{
    /// <summary>A TLS handshake so far, but the ClientHello is not complete yet.</summary>
    NeedMore,

    /// <summary>The bytes do not start a TLS handshake.</summary>
    NotTls,

    /// <summary>A TLS handshake whose first message is not a well-formed ClientHello.</summary>
    Malformed,

    /// <summary>A complete ClientHello (with or without a server name).</summary>
    Complete,
}

/// <summary>
/// Reads the server name (SNI, RFC 6066) from a TLS ClientHello (RFC 8446 4.1.2; TLS 1.0 to 1.3 share the layout), which
/// may span several handshake records. Parses only what it needs and never trusts a length it has not bounded.
/// </summary>
internal static class TlsClientHello
{
    private const byte HandshakeRecord = 22;
    private const byte ClientHelloType = 1;
    private const ushort ServerNameExtension = 0;
    private const byte HostNameType = 0;
    private const int MaxRecordLength = (1 << 14) + 2048;

    /// <summary>Parses <paramref name="data"/> (the tunnel's first bytes); <paramref name="serverName"/> is set when complete.</summary>
    public static ClientHelloStatus TryParse(ReadOnlySpan<byte> data, out string? serverName)
    {
        serverName = null;
        if (data.Length > 0 && data[0] != HandshakeRecord)
        {
            return ClientHelloStatus.NotTls;
        }

        if (data.Length > 1 && data[1] != 3)
        {
            return ClientHelloStatus.NotTls; // record versions are 3.x (SSL 3.0 up to TLS 1.3's legacy 3.1/3.3)
        }

        // Join the handshake records' payloads until the ClientHello message is complete.
        byte[] message = new byte[Math.Min(data.Length, 64 * 1024)];
        int messageLength = 0;
        int offset = 0;
        while (true)
        {
            if (messageLength >= 4)
            {
                int wanted = 4 + ((message[1] << 16) | (message[2] << 8) | message[3]);
                if (message[0] != ClientHelloType)
                {
                    return ClientHelloStatus.Malformed;
                }

                if (messageLength >= wanted)
                {
                    return ParseBody(message.AsSpan(4, wanted - 4), out serverName);
                }
            }

            if (data.Length - offset < 5)
            {
                return ClientHelloStatus.NeedMore;
            }

            ReadOnlySpan<byte> header = data.Slice(offset, 5);
            int recordLength = BinaryPrimitives.ReadUInt16BigEndian(header[3..]);
            if (header[0] != HandshakeRecord || header[1] != 3 || recordLength is 0 or > MaxRecordLength)
            {
                return ClientHelloStatus.Malformed;
            }

            if (data.Length - offset - 5 < recordLength)
            {
                return ClientHelloStatus.NeedMore;
            }

            int copy = Math.Min(recordLength, message.Length - messageLength);
            data.Slice(offset + 5, copy).CopyTo(message.AsSpan(messageLength));
            messageLength += copy;
            offset += 5 + recordLength;
        }
    }

    private static ClientHelloStatus ParseBody(ReadOnlySpan<byte> body, out string? serverName)
    {
        serverName = null;
        SpanCursor c = new(body);
        if (!c.Skip(2 + 32) || !c.SkipVector(1) || !c.SkipVector(2) || !c.SkipVector(1))
        {
            return ClientHelloStatus.Malformed; // legacy_version, random, session id, cipher suites, compression methods
        }

        if (c.Remaining == 0)
        {
            return ClientHelloStatus.Complete; // no extensions at all
        }

        if (!c.TryReadVector(2, out ReadOnlySpan<byte> extensions) || c.Remaining != 0)
        {
            return ClientHelloStatus.Malformed;
        }

        SpanCursor e = new(extensions);
        bool seen = false;
        while (e.Remaining > 0)
        {
            if (!e.TryReadUInt16(out ushort type) || !e.TryReadVector(2, out ReadOnlySpan<byte> value))
            {
                return ClientHelloStatus.Malformed;
            }

            if (type != ServerNameExtension)
            {
                continue;
            }

            if (seen || !TryReadHostName(value, out serverName))
            {
                return ClientHelloStatus.Malformed; // a repeated extension is illegal (RFC 8446 4.2): never pick one of two
            }

            seen = true;
        }

        return ClientHelloStatus.Complete;
    }

    private static bool TryReadHostName(ReadOnlySpan<byte> value, out string? serverName)
    {
        serverName = null;
        SpanCursor v = new(value);
        if (!v.TryReadVector(2, out ReadOnlySpan<byte> list) || v.Remaining != 0)
        {
            return false;
        }

        // RFC 6066 3: at most one name per type; only host_name (0) is defined.
        SpanCursor l = new(list);
        while (l.Remaining > 0)
        {
            if (!l.TryReadByte(out byte nameType) || !l.TryReadVector(2, out ReadOnlySpan<byte> name) || name.Length == 0)
            {
                return false;
            }

            if (nameType == HostNameType)
            {
                if (serverName is not null)
                {
                    return false;
                }

                serverName = Encoding.Latin1.GetString(name);
            }
        }

        return serverName is not null;
    }

    private ref struct SpanCursor(ReadOnlySpan<byte> data)
    {
        private ReadOnlySpan<byte> _rest = data;

        public readonly int Remaining => _rest.Length;

        public bool Skip(int count)
        {
            if (_rest.Length < count)
            {
                return false;
            }

            _rest = _rest[count..];
            return true;
        }

        public bool TryReadByte(out byte value)
        {
            value = _rest.Length > 0 ? _rest[0] : (byte)0;
            return Skip(1);
        }

        public bool TryReadUInt16(out ushort value)
        {
            value = _rest.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(_rest) : (ushort)0;
            return Skip(2);
        }

        public bool TryReadVector(int lengthBytes, out ReadOnlySpan<byte> value)
        {
            value = default;
            int length;
            if (lengthBytes == 1)
            {
                if (!TryReadByte(out byte b))
                {
                    return false;
                }

                length = b;
            }
            else if (!TryReadUInt16(out ushort u))
            {
                return false;
            }
            else
            {
                length = u;
            }

            if (_rest.Length < length)
            {
                return false;
            }

            value = _rest[..length];
            _rest = _rest[length..];
            return true;
        }

        public bool SkipVector(int lengthBytes) => TryReadVector(lengthBytes, out _);
    }
}
