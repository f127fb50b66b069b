using System.Buffers;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;
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
        string path = PathFor(hash);
        if (expectedSize > SmallFileLimit)
        {
            using FileStream stream = new(destination, FileAccess.Write, 1);
            ExtractVerified(hash, expectedSize, stream);
            return;
        }

        using SafeFileHandle? source = OpenObject(path);
        if (source is null)
        {
            throw Corrupt(hash, "missing");
        }

        long compressedLength = RandomAccess.GetLength(source);
        if (compressedLength > Compressor.GetCompressBound((int)expectedSize) + 64)
        {
            throw Corrupt(hash, "larger than its content could compress to");
        }

        byte[] compressed = ArrayPool<byte>.Shared.Rent((int)compressedLength);
        byte[] content = ArrayPool<byte>.Shared.Rent((int)expectedSize + 1);
        try
        {
            int read = 0;
            while (read < compressedLength)
            {
                int n = RandomAccess.Read(source, compressed.AsSpan(read, (int)compressedLength - read), read);
                read += n > 0 ? n : throw Corrupt(hash, "truncated while reading");
            }

            // One spare byte in the destination: content longer than recorded fails the size check below
            // instead of hiding behind "destination too small".
            int length = Decompress(hash, compressed.AsSpan(0, read), content.AsSpan(0, (int)expectedSize + 1));
            if (length != expectedSize)
            {
                throw Corrupt(hash, length > expectedSize ? "longer than recorded" : "shorter than recorded");
            }

            Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(content.AsSpan(0, length), digest);
            if (!string.Equals(Convert.ToHexStringLower(digest), hash, StringComparison.Ordinal))
            {
                throw Corrupt(hash, "content hash mismatch");
            }

            RandomAccess.Write(destination, content.AsSpan(0, length), 0);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(compressed);
            ArrayPool<byte>.Shared.Return(content);
        }
    }

    private static SafeFileHandle? OpenObject(string path)
    {
        try
        {
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.None);
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
