using System.Buffers;
using System.Globalization;

namespace Nono.Core.Proxy;

/// <summary>Determines body framing strictly and relays bodies with their original framing, flushing as bytes arrive.</summary>
internal static partial class HttpBody
{
    private const int MaxChunkLine = 4096;
    private const int CopyBufferSize = 64 * 1024;

    /// <summary>Request framing. Ambiguous framing (both headers, repeated or odd values) is an error: it is how requests get smuggled.</summary>
    public static (BodyFraming Framing, long Length, string? Error) ForRequest(HttpHead head)
    {
        int te = head.Count("Transfer-Encoding");
        int cl = head.Count("Content-Length");
        if (te > 0)
        {
            if (cl > 0)
            {
                return (BodyFraming.None, 0, "both Content-Length and Transfer-Encoding");
            }

            return te == 1 && string.Equals(head.Get("Transfer-Encoding"), "chunked", StringComparison.OrdinalIgnoreCase)
                ? (BodyFraming.Chunked, 0, null)
                : (BodyFraming.None, 0, "unsupported Transfer-Encoding");
        }

        if (cl > 0)
        {
            return TryContentLength(head, out long length)
                ? (length == 0 ? BodyFraming.None : BodyFraming.ContentLength, length, null)
                : (BodyFraming.None, 0, "invalid Content-Length");
        }

        return (BodyFraming.None, 0, null);
    }

    /// <summary>Response framing for a request with <paramref name="requestMethod"/>.</summary>
    public static (BodyFraming Framing, long Length, string? Error) ForResponse(HttpHead head, string requestMethod)
    {
        int status = head.StatusCode;
        if (string.Equals(requestMethod, "HEAD", StringComparison.Ordinal) || status is 204 or 304 || status < 200)
        {
            return (BodyFraming.None, 0, null);
        }

        if (head.Count("Transfer-Encoding") > 0)
        {
            // RFC 9112 section 6.3: chunked only when it is the last coding (exactly that token); otherwise read until close.
            // A Content-Length beside it is ignored here; the caller removes it and does not reuse the connection.
            string codings = string.Join(',', head.Headers.Where(h => string.Equals(h.Key, "Transfer-Encoding", StringComparison.OrdinalIgnoreCase)).Select(h => h.Value));
            string last = codings[(codings.LastIndexOf(',') + 1)..].Trim(' ', '\t');
            bool chunked = string.Equals(last, "chunked", StringComparison.OrdinalIgnoreCase);
            return chunked ? (BodyFraming.Chunked, 0, null) : (BodyFraming.UntilClose, 0, null);
        }

        if (head.Count("Content-Length") > 0)
        {
            return TryContentLength(head, out long length)
                ? (BodyFraming.ContentLength, length, null)
                : (BodyFraming.None, 0, "invalid Content-Length");
        }

        return (BodyFraming.UntilClose, 0, null);
    }

    /// <summary>
    /// Copies one body from <paramref name="source"/> to <paramref name="destination"/>; returns the payload bytes copied.
    /// <paramref name="onSourceEnd"/> runs once the framed end was read from the source, before its last bytes are written
    /// (so the source connection can be reused before the destination sees the message end). Not for read-until-close.
    /// </summary>
    public static async Task<long> CopyAsync(
        BufferedReader source, BodyFraming framing, long length, Stream destination, Action? onProgress, Action? onSourceEnd, CancellationToken cancellationToken,
        bool dropTrailers = false)
    {
        switch (framing)
        {
            case BodyFraming.ContentLength:
                await CopyExactAsync(source, length, destination, onProgress, onSourceEnd, cancellationToken);
                return length;
            case BodyFraming.Chunked:
                return await CopyChunkedAsync(source, destination, onProgress, onSourceEnd, dropTrailers, cancellationToken);
            case BodyFraming.UntilClose:
                return await CopyExactAsync(source, long.MaxValue, destination, onProgress, null, cancellationToken);
            default:
                return 0;
        }
    }

    private static bool TryContentLength(HttpHead head, out long length)
    {
        length = -1;
        foreach (KeyValuePair<string, string> h in head.Headers)
        {
            if (!string.Equals(h.Key, "Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (h.Value.Length is 0 or > 18 || !h.Value.All(char.IsAsciiDigit))
            {
                return false;
            }

            long v = long.Parse(h.Value, CultureInfo.InvariantCulture);
            if (length >= 0 && v != length)
            {
                return false;
            }

            length = v;
        }

        return length >= 0;
    }

    private static async Task<long> CopyExactAsync(
        BufferedReader source, long length, Stream destination, Action? onProgress, Action? onSourceEnd, CancellationToken cancellationToken)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            long remaining = length;
            long copied = 0;
            while (remaining > 0)
            {
                int read = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining)), cancellationToken);
                if (read == 0)
                {
                    if (length == long.MaxValue)
                    {
                        return copied;
                    }

                    throw new IOException("connection closed in the middle of a body");
                }

                if (read == remaining)
                {
                    onSourceEnd?.Invoke();
                }

                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                await destination.FlushAsync(cancellationToken);
                onProgress?.Invoke();
                remaining -= read;
                copied += read;
            }

            return copied;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task<long> CopyChunkedAsync(
        BufferedReader source, Stream destination, Action? onProgress, Action? onSourceEnd, bool dropTrailers, CancellationToken cancellationToken)
    {
        long total = 0;
        while (true)
        {
            long size = await ReadChunkSizeAsync(source, cancellationToken);
            // Re-emitted as plain hex: extensions and padding the peer may read differently never leave the proxy.
            await destination.WriteAsync(System.Text.Encoding.ASCII.GetBytes(size.ToString("x", CultureInfo.InvariantCulture) + "\r\n"), cancellationToken);
            if (size == 0)
            {
                // Trailer section, ended by an empty line.
                while (true)
                {
                    string trailer = await source.ReadLineAsync(MaxChunkLine, cancellationToken) ?? throw new IOException("bad trailer");
                    ThrowOnControl(trailer);
                    if (trailer.Length == 0)
                    {
                        onSourceEnd?.Invoke();
                    }

                    if (trailer.Length == 0 || !dropTrailers)
                    {
                        await destination.WriteAsync(System.Text.Encoding.Latin1.GetBytes(trailer + "\r\n"), cancellationToken);
                    }

                    if (trailer.Length == 0)
                    {
                        await destination.FlushAsync(cancellationToken);
                        return total;
                    }
                }
            }

            await CopyExactAsync(source, size, destination, null, null, cancellationToken);
            string end = await source.ReadLineAsync(2, cancellationToken) ?? throw new IOException("bad chunk end");
            if (end.Length != 0)
            {
                throw new IOException("bad chunk end");
            }

            await destination.WriteAsync("\r\n"u8.ToArray(), cancellationToken);
            await destination.FlushAsync(cancellationToken);
            onProgress?.Invoke();
            total += size;
        }
    }

    private static async Task<long> ReadChunkSizeAsync(BufferedReader source, CancellationToken cancellationToken)
    {
        string line = await source.ReadLineAsync(MaxChunkLine, cancellationToken) ?? throw new IOException("bad chunk header");
        ThrowOnControl(line); // a bare LF or CR would let a lenient peer see other chunk boundaries (smuggling)
        int semi = line.IndexOf(';', StringComparison.Ordinal);
        string sizeText = (semi >= 0 ? line[..semi] : line).TrimEnd(' ', '\t');
        if (sizeText.Length is 0 or > 15 || !sizeText.All(char.IsAsciiHexDigit))
        {
            throw new IOException("bad chunk size");
        }

        return long.Parse(sizeText, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
    }

    private static void ThrowOnControl(string line)
    {
        if (line.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
        {
            throw new IOException("bare CR, LF or NUL in a chunk line");
        }
    }
}
