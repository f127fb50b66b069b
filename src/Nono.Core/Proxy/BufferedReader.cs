using System.Buffers;

namespace Nono.Core.Proxy;

/// <summary>
/// Reads HTTP heads and chunk lines from a stream with a small growable buffer, then hands out whatever was
/// read past the head before reading the stream directly. Not thread-safe.
/// </summary>
internal sealed class BufferedReader : IDisposable
{
    private const int InitialSize = 4096;
    private readonly Stream _stream;
    private byte[] _buffer;
    private int _start;
    private int _end;

    public BufferedReader(Stream stream)
    {
        _stream = stream;
        _buffer = ArrayPool<byte>.Shared.Rent(InitialSize);
    }

    /// <summary>Bytes read from the stream but not consumed yet.</summary>
    public int BufferedCount => _end - _start;

    /// <summary>The bytes read from the stream but not consumed yet.</summary>
    public ReadOnlySpan<byte> Buffered => _buffer.AsSpan(_start, _end - _start);

    /// <summary>Reads once more from the stream into the buffer (growing it to hold <paramref name="maxBuffered"/> bytes); 0 at EOF.</summary>
    public ValueTask<int> ReadMoreAsync(int maxBuffered, CancellationToken cancellationToken) =>
        FillAsync(Math.Max(maxBuffered, InitialSize), cancellationToken);

    /// <summary>Reads up to and including the blank line that ends a head, at most <paramref name="maxBytes"/> bytes.</summary>
    public async ValueTask<(HeadReadStatus Status, string? Head)> ReadHeadAsync(int maxBytes, CancellationToken cancellationToken)
    {
        int scanned = 0;
        while (true)
        {
            int from = Math.Max(0, scanned - 3);
            int idx = _buffer.AsSpan(_start + from, _end - _start - from).IndexOf("\r\n\r\n"u8);
            if (idx >= 0)
            {
                int headLength = from + idx + 4;
                if (headLength > maxBytes)
                {
                    return (HeadReadStatus.TooLarge, null);
                }

                string head = System.Text.Encoding.Latin1.GetString(_buffer, _start, headLength);
                _start += headLength;
                return (HeadReadStatus.Ok, head);
            }

            scanned = _end - _start;
            if (scanned >= maxBytes)
            {
                return (HeadReadStatus.TooLarge, null);
            }

            int read = await FillAsync(Math.Min(maxBytes + 4, Math.Max(_buffer.Length * 2, InitialSize)), cancellationToken);
            if (read == 0)
            {
                return (scanned == 0 ? HeadReadStatus.EndOfStream : HeadReadStatus.Truncated, null);
            }
        }
    }

    /// <summary>Reads one CRLF-terminated line (without the CRLF) of at most <paramref name="maxBytes"/>; null on EOF or overflow.</summary>
    public async ValueTask<string?> ReadLineAsync(int maxBytes, CancellationToken cancellationToken)
    {
        while (true)
        {
            int idx = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8);
            if (idx >= 0)
            {
                string line = System.Text.Encoding.Latin1.GetString(_buffer, _start, idx);
                _start += idx + 2;
                return line;
            }

            if (_end - _start >= maxBytes || await FillAsync(maxBytes + 2, cancellationToken) == 0)
            {
                return null;
            }
        }
    }

    /// <summary>Reads body bytes: buffered ones first, then straight from the stream.</summary>
    public async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        if (_end > _start)
        {
            int n = Math.Min(destination.Length, _end - _start);
            _buffer.AsMemory(_start, n).CopyTo(destination);
            _start += n;
            return n;
        }

        return await _stream.ReadAsync(destination, cancellationToken);
    }

    /// <summary>Writes the buffered, unconsumed bytes to <paramref name="destination"/> and forgets them.</summary>
    public async ValueTask<int> DrainToAsync(Stream destination, CancellationToken cancellationToken)
    {
        int n = _end - _start;
        if (n > 0)
        {
            await destination.WriteAsync(_buffer.AsMemory(_start, n), cancellationToken);
            _start = _end;
        }

        return n;
    }

    public void Dispose()
    {
        byte[] b = _buffer;
        _buffer = [];
        _start = _end = 0;
        if (b.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(b);
        }
    }

    private async ValueTask<int> FillAsync(int wantedCapacity, CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            byte[] bigger = ArrayPool<byte>.Shared.Rent(Math.Max(wantedCapacity, _buffer.Length + 1));
            Buffer.BlockCopy(_buffer, 0, bigger, 0, _end);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }

        int read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
        _end += read;
        return read;
    }
}
