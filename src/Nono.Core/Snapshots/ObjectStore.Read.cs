using System.Buffers;
using System.Security.Cryptography;
using ZstdSharp;

namespace Nono.Core.Snapshots;

internal sealed partial class ObjectStore
{
    /// <summary>
    /// Decompresses an object into <paramref name="destination"/> while hashing it, and throws a
    /// VerificationFailed <see cref="Diagnostics.NonoException"/> when it is missing, undecodable,
    /// or its content does not hash to <paramref name="hash"/> or has the wrong size. Callers must
    /// treat what was written as untrusted until this returns.
    /// </summary>
    public void ExtractVerified(string hash, long expectedSize, Stream destination)
    {
        if (expectedSize <= SmallFileLimit)
        {
            byte[] content = RentVerified(hash, expectedSize, out int length);
            try
            {
                destination.Write(content, 0, length);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(content);
            }

            return;
        }

        if (Packs.Contains(hash))
        {
            throw Corrupt(hash, "shorter than recorded"); // only content up to SmallFileLimit is ever packed
        }

        string path = PathFor(hash);
        if (!File.Exists(path))
        {
            throw Corrupt(hash, "missing");
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        long total = 0;
        try
        {
            using IncrementalHash sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            using FileStream fs = new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            using DecompressionStream zs = new(fs);
            int n;
            while ((n = zs.Read(buffer, 0, ChunkSize)) > 0)
            {
                total += n;
                if (total > expectedSize)
                {
                    throw Corrupt(hash, "longer than recorded");
                }

                sha.AppendData(buffer, 0, n);
                destination.Write(buffer, 0, n);
            }

            if (total != expectedSize)
            {
                throw Corrupt(hash, "shorter than recorded");
            }

            if (!string.Equals(Convert.ToHexStringLower(sha.GetHashAndReset()), hash, StringComparison.Ordinal))
            {
                throw Corrupt(hash, "content hash mismatch");
            }
        }
        catch (Exception ex) when (ex is ZstdException or EndOfStreamException or InvalidDataException)
        {
            throw Corrupt(hash, "undecodable: " + ex.Message);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads and verifies a whole object into memory (for diffs of text files).</summary>
    public byte[] ReadVerified(string hash, long expectedSize)
    {
        using MemoryStream ms = new((int)Math.Min(expectedSize, int.MaxValue));
        ExtractVerified(hash, expectedSize, ms);
        return ms.ToArray();
    }

    /// <summary>Checks an object without keeping its content.</summary>
    public void Verify(string hash, long expectedSize) => ExtractVerified(hash, expectedSize, Stream.Null);
}
