using System.Buffers;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;
using Nono.Core.Snapshots.Packs;
using ZstdSharp;

namespace Nono.Core.Snapshots;

internal sealed partial class ObjectStore
{
    [ThreadStatic]
    private static Decompressor? t_decompressor;

    /// <summary>
    /// <see cref="ExtractVerified(string, long, Stream)"/> into an open, empty file. Small objects (the vast majority) are
    /// read whole, decompressed with this thread's reused context into a pooled buffer, hashed in one
    /// call and written with one pwrite; large ones are streamed. Throws VerificationFailed like
    /// <see cref="ExtractVerified(string, long, Stream)"/>; what was written is untrusted until this returns.
    /// </summary>
    public void ExtractVerified(string hash, long expectedSize, SafeFileHandle destination)
    {
        if (expectedSize > SmallFileLimit)
        {
            using FileStream stream = new(destination, FileAccess.Write, 1);
            ExtractVerified(hash, expectedSize, stream);
            return;
        }

        byte[] content = RentVerified(hash, expectedSize, out int length);
        try
        {
            RandomAccess.Write(destination, content.AsSpan(0, length), 0);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(content);
        }
    }

    /// <summary>
    /// Reads, decompresses and verifies an object of at most <see cref="SmallFileLimit"/> bytes into a
    /// buffer from <see cref="ArrayPool{T}.Shared"/>, which the caller returns. A packed object costs
    /// one pread on a descriptor that is already open; a loose one an open, pread and close.
    /// </summary>
    public byte[] RentVerified(string hash, long expectedSize, out int length)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(expectedSize, SmallFileLimit);
        byte[] compressed = ReadCompressed(hash, expectedSize, out int compressedLength);
        try
        {
            return DecodeVerified(hash, compressed.AsSpan(0, compressedLength), expectedSize, out length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(compressed);
        }
    }

    /// <summary>The compressed bytes of an object of at most <see cref="SmallFileLimit"/> bytes, checked by decoding and hashing them (pooled buffer; for compaction).</summary>
    public byte[] RentCompressedVerified(string hash, long expectedSize, out int length)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(expectedSize, SmallFileLimit);
        byte[] compressed = ReadCompressed(hash, expectedSize, out length);
        try
        {
            ArrayPool<byte>.Shared.Return(DecodeVerified(hash, compressed.AsSpan(0, length), expectedSize, out _));
            return compressed;
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(compressed);
            throw;
        }
    }

    /// <summary>
    /// Reads, decompresses and verifies an object of at most <see cref="SmallFileLimit"/> bytes into
    /// <paramref name="destination"/>, which must hold <paramref name="expectedSize"/> + 1 bytes; returns the length.
    /// </summary>
    public int DecodeVerified(string hash, long expectedSize, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(expectedSize, SmallFileLimit);
        byte[] compressed = ReadCompressed(hash, expectedSize, out int compressedLength);
        try
        {
            return DecodeVerified(hash, compressed.AsSpan(0, compressedLength), expectedSize, destination);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(compressed);
        }
    }

    private static byte[] DecodeVerified(string hash, ReadOnlySpan<byte> compressed, long expectedSize, out int length)
    {
        byte[] content = ArrayPool<byte>.Shared.Rent((int)expectedSize + 1);
        try
        {
            length = DecodeVerified(hash, compressed, expectedSize, content.AsSpan(0, (int)expectedSize + 1));
            return content;
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(content);
            throw;
        }
    }

    private static int DecodeVerified(string hash, ReadOnlySpan<byte> compressed, long expectedSize, Span<byte> destination)
    {
        // One spare byte in the destination: content longer than recorded fails the size check below
        // instead of hiding behind "destination too small".
        int length = Decompress(hash, compressed, destination[..((int)expectedSize + 1)]);
        if (length != expectedSize)
        {
            throw Corrupt(hash, length > expectedSize ? "longer than recorded" : "shorter than recorded");
        }

        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(destination[..length], digest);
        if (!ObjectKey.TryParse(hash, out ObjectKey expected) || ObjectKey.FromBytes(digest) != expected) // no hex string per object
        {
            throw Corrupt(hash, "content hash mismatch");
        }

        return length;
    }

    /// <summary>The compressed bytes of an object, from its pack or its own file, in a pooled buffer.</summary>
    private byte[] ReadCompressed(string hash, long expectedSize, out int length)
    {
        long bound = Compressor.GetCompressBound((int)expectedSize) + 64;
        if (Packs.TryGet(hash, out Pack pack, out PackEntry entry))
        {
            length = entry.Length <= bound ? entry.Length : throw Corrupt(hash, "larger than its content could compress to");
            return ReadExactly(hash, pack.Handle, entry.Offset, length);
        }

        using SafeFileHandle source = OpenObject(PathFor(hash)) ?? throw Corrupt(hash, "missing");
        long compressedLength = RandomAccess.GetLength(source);
        length = compressedLength <= bound ? (int)compressedLength : throw Corrupt(hash, "larger than its content could compress to");
        return ReadExactly(hash, source, 0, length);
    }

    private static byte[] ReadExactly(string hash, SafeFileHandle source, long offset, int length)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(length);
        int read = 0;
        while (read < length)
        {
            int n = RandomAccess.Read(source, buffer.AsSpan(read, length - read), offset + read);
            if (n <= 0)
            {
                ArrayPool<byte>.Shared.Return(buffer);
                throw Corrupt(hash, "truncated while reading");
            }

            read += n;
        }

        return buffer;
    }

    private static SafeFileHandle? OpenObject(string path)
    {
        try
        {
            // FileShare.ReadWrite: .NET takes no advisory lock then, which saves a flock per object.
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.None);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private static int Decompress(string hash, ReadOnlySpan<byte> compressed, Span<byte> destination)
    {
        t_decompressor ??= new Decompressor();
        try
        {
            return t_decompressor.Unwrap(compressed, destination);
        }
        catch (ZstdException ex)
        {
            // A failed frame can leave the context mid-stream: start the next object with a fresh one.
            t_decompressor.Dispose();
            t_decompressor = null;
            throw Corrupt(hash, ex.Message.Contains("too small", StringComparison.OrdinalIgnoreCase) ? "longer than recorded" : "undecodable: " + ex.Message);
        }
    }
}
