using System.Buffers;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;
using Nono.Core.Diagnostics;
using Nono.Core.Snapshots.Packs;
using ZstdSharp;

namespace Nono.Core.Snapshots;

/// <summary>
/// Content-addressed object store: objects/ab/cdef... holds the zstd-compressed bytes of the
/// content whose SHA-256 is abcdef.... An object is written to objects/tmp and renamed into place,
/// so it is either absent or complete; every read re-hashes the content before it is used.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed partial class ObjectStore
{
    public const int SmallFileLimit = 4 * 1024 * 1024;
    private const int ChunkSize = 1024 * 1024;
    private const UnixFileMode ObjectFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [ThreadStatic]
    private static Compressor? t_compressor;

    [ThreadStatic]
    private static int t_compressorLevel;

    private readonly string _tempDirectory;

    /// <summary>Where writers put files before renaming them into the store.</summary>
    public string TempDirectory => _tempDirectory;

    public ObjectStore(string directory, int compressionLevel, bool packSmallObjects = true)
    {
        Directory = directory;
        CompressionLevel = compressionLevel;
        _packSmallObjects = packSmallObjects;
        _tempDirectory = Path.Combine(directory, "tmp");
        _packs = new Lazy<PackSet>(() => PackSet.Load(PacksDirectory));
        CreatePrivateDirectory(directory);
        CreatePrivateDirectory(_tempDirectory);
    }

    public string Directory { get; }

    public int CompressionLevel { get; }

    /// <summary>Objects this instance added to the store (content that was not there yet).</summary>
    public int ObjectsWritten => _objectsWritten;

    private int _objectsWritten;

    public static void CreatePrivateDirectory(string path) =>
        System.IO.Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

    /// <summary>Where an object lives. A hash that is not 64 lowercase hex digits (a tampered manifest) never becomes a path.</summary>
    public string PathFor(string hash) => IsHash(hash)
        ? Path.Combine(Directory, hash[..2], hash[2..])
        : throw new Diagnostics.NonoException(Diagnostics.NonoErrorCode.VerificationFailed, "snapshot manifest holds an invalid content hash");

    public static bool IsHash(string? hash) => ObjectKey.TryParse(hash, out _);

    public bool Exists(string hash) => Packs.Contains(hash) || IsPending(hash) || File.Exists(PathFor(hash));

    /// <summary>Same as <see cref="Exists(string)"/>; the hex text is made only when the object is not packed.</summary>
    public bool Exists(ObjectKey key) => Packs.Contains(key) || Exists(key.ToString());

    /// <summary>Stores content held in memory, unless an object with its hash already exists. Returns the hex hash.</summary>
    public string PutBytes(ReadOnlySpan<byte> content)
    {
        string hash = Convert.ToHexStringLower(SHA256.HashData(content));
        if (Exists(hash))
        {
            return hash;
        }

        Compressor compressor = GetCompressor();
        byte[] output = ArrayPool<byte>.Shared.Rent(Compressor.GetCompressBound(content.Length));
        try
        {
            int length = compressor.Wrap(content, output);
            if (TryPack(hash, output.AsSpan(0, length)))
            {
                return hash;
            }

            string temp = NewTempPath();
            using (FileStream fs = new(temp, new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = ObjectFileMode }))
            {
                fs.Write(output, 0, length);
            }

            Commit(temp, hash);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(output);
        }

        return hash;
    }

    /// <summary>
    /// Streams a large file from <paramref name="source"/> (read from offset 0 to EOF), hashing and
    /// compressing in one pass. Returns the hex hash and the number of bytes read.
    /// </summary>
    public (string Hash, long Size) PutStream(SafeFileHandle source)
    {
        string temp = NewTempPath();
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        long offset = 0;
        try
        {
            using IncrementalHash sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            using (FileStream fs = new(temp, new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = ObjectFileMode }))
            using (CompressionStream zs = new(fs, CompressionLevel, leaveOpen: true))
            {
                int n;
                while ((n = RandomAccess.Read(source, buffer.AsSpan(0, ChunkSize), offset)) > 0)
                {
                    sha.AppendData(buffer, 0, n);
                    zs.Write(buffer, 0, n);
                    offset += n;
                }
            }

            string hash = Convert.ToHexStringLower(sha.GetHashAndReset());
            if (Exists(hash))
            {
                File.Delete(temp);
            }
            else
            {
                Commit(temp, hash);
            }

            return (hash, offset);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Size of the compressed object on disk, or 0 when absent.</summary>
    public long CompressedSize(string hash)
    {
        if (Packs.TryGet(hash, out _, out PackEntry entry))
        {
            return entry.Length;
        }

        FileInfo info = new(PathFor(hash));
        return info.Exists ? info.Length : 0;
    }

    /// <summary>Every object in the store, loose or packed (each once).</summary>
    public IEnumerable<string> EnumerateHashes() => EnumerateLooseHashes().Concat(Packs.Hashes).Distinct(StringComparer.Ordinal);

    public IEnumerable<string> EnumerateLooseHashes()
    {
        foreach (string dir in System.IO.Directory.EnumerateDirectories(Directory))
        {
            string prefix = Path.GetFileName(dir);
            if (prefix.Length != 2)
            {
                continue;
            }

            foreach (string file in System.IO.Directory.EnumerateFiles(dir))
            {
                string rest = Path.GetFileName(file);
                if (rest.Length == 62)
                {
                    yield return prefix + rest;
                }
            }
        }
    }

    /// <summary>Deletes a loose object (packed ones are dropped by compaction).</summary>
    public void DeleteLoose(string hash) => File.Delete(PathFor(hash));

    /// <summary>Removes temp files left by an interrupted writer. Only call under the exclusive store lock.</summary>
    public void PurgeTemp()
    {
        foreach (string file in System.IO.Directory.EnumerateFiles(_tempDirectory))
        {
            File.Delete(file);
        }

        foreach (string staging in System.IO.Directory.EnumerateDirectories(_tempDirectory))
        {
            System.IO.Directory.Delete(staging, recursive: true);
        }
    }

    private string NewTempPath() => Path.Combine(_tempDirectory, Guid.NewGuid().ToString("N"));

    private void Commit(string temp, string hash)
    {
        string final = PathFor(hash);
        CreatePrivateDirectory(Path.GetDirectoryName(final)!); // PathFor always has a parent.
        File.Move(temp, final, overwrite: true);
        Interlocked.Increment(ref _objectsWritten);
    }

    private Compressor GetCompressor()
    {
        if (t_compressor is null || t_compressorLevel != CompressionLevel)
        {
            t_compressor?.Dispose();
            t_compressor = new Compressor(CompressionLevel);
            t_compressorLevel = CompressionLevel;
        }

        return t_compressor;
    }

    internal static NonoException Corrupt(string hash, string why) =>
        new(NonoErrorCode.VerificationFailed, $"object {hash[..16]}… in the snapshot store is corrupt ({why})");
}
