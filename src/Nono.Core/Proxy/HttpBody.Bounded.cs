namespace Nono.Core.Proxy;

internal static partial class HttpBody
{
    /// <summary>
    /// Reads a whole request body into memory, de-chunked, trailers dropped; null when its payload is larger than
    /// <paramref name="maxBytes"/> (then it was not read to its end). A connection that ends inside the body throws
    /// <see cref="IOException"/>, as the copy does.
    /// </summary>
    public static async Task<byte[]?> ReadBoundedAsync(BufferedReader source, BodyFraming framing, long length, int maxBytes, CancellationToken cancellationToken)
    {
        switch (framing)
        {
            case BodyFraming.None:
                return [];
            case BodyFraming.ContentLength:
                return length > maxBytes ? null : await ReadExactAsync(source, (int)length, cancellationToken);
            case BodyFraming.Chunked:
                using (MemoryStream payload = new())
                {
                    while (true)
                    {
                        long size = await ReadChunkSizeAsync(source, cancellationToken);
                        if (size == 0)
                        {
                            break;
                        }

                        if (payload.Length + size > maxBytes)
                        {
                            return null;
                        }

                        payload.Write(await ReadExactAsync(source, (int)size, cancellationToken));
                        if (await source.ReadLineAsync(2, cancellationToken) is not { Length: 0 })
                        {
                            throw new IOException("bad chunk end");
                        }
                    }

                    while (await source.ReadLineAsync(MaxChunkLine, cancellationToken) is string trailer)
                    {
                        ThrowOnControl(trailer);
                        if (trailer.Length == 0)
                        {
                            return payload.ToArray();
                        }
                    }

                    throw new IOException("bad trailer");
                }

            default:
                throw new InvalidOperationException("a request body is never read until close");
        }
    }

    private static async Task<byte[]> ReadExactAsync(BufferedReader source, int length, CancellationToken cancellationToken)
    {
        byte[] bytes = new byte[length];
        int filled = 0;
        while (filled < length)
        {
            int read = await source.ReadAsync(bytes.AsMemory(filled), cancellationToken);
            if (read == 0)
            {
                throw new IOException("connection closed in the middle of a body");
            }

            filled += read;
        }

        return bytes;
    }
}
