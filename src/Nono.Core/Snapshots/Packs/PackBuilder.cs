using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace Nono.Core.Snapshots.Packs;

/// <summary>
/// Collects small compressed objects in memory and writes them as one pack: the data file goes to
/// the store's temp directory and is renamed into place first, the index second, so an index only
/// ever names a complete pack (a pack without an index is a leftover that cleanup removes).
/// Not thread-safe; the object store serialises access.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class PackBuilder : IDisposable
{
    /// <summary>A pack is written once this many compressed bytes are pending.</summary>
    public const int TargetSize = 32 * 1024 * 1024;

    private readonly MemoryStream _data = new();
    private readonly List<PackEntry> _entries = [];
    private readonly HashSet<string> _hashes = new(StringComparer.Ordinal);

    public int Count => _entries.Count;

    public long Length => _data.Length;

    public bool Contains(string hash) => _hashes.Contains(hash);

    /// <summary>Appends one zstd frame; false when the hash is already pending.</summary>
    public bool Add(string hash, ReadOnlySpan<byte> compressed)
    {
        if (!_hashes.Add(hash))
        {
            return false;
        }

        _entries.Add(new PackEntry(hash, _data.Length, compressed.Length));
        _data.Write(compressed);
        return true;
    }

    /// <summary>Writes the pending objects as a new pack in <paramref name="packs"/> and starts over; null when nothing was pending.</summary>
    public Pack? Commit(PackSet packs, string tempDirectory, bool sync)
    {
        if (_entries.Count == 0)
        {
            return null;
        }

        ObjectStore.CreatePrivateDirectory(packs.Directory);
        string name = Pack.Prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        List<PackEntry> entries = [.. _entries.OrderBy(e => e.Hash, StringComparer.Ordinal)];
        WriteAtomically(Path.Combine(tempDirectory, name + Pack.DataExtension), packs.DataPath(name), _data.GetBuffer().AsSpan(0, (int)_data.Length), sync);
        WriteAtomically(Path.Combine(tempDirectory, name + Pack.IndexExtension), packs.IndexPath(name), PackIndexFormat.Encode(entries), sync);
        SafeFileHandle handle = File.OpenHandle(packs.DataPath(name), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        Pack pack = new(name, handle, entries);
        packs.Add(pack);
        _data.SetLength(0);
        _entries.Clear();
        _hashes.Clear();
        return pack;
    }

    public void Dispose() => _data.Dispose();

    private static void WriteAtomically(string temp, string final, ReadOnlySpan<byte> bytes, bool sync)
    {
        using (FileStream fs = new(temp, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite }))
        {
            fs.Write(bytes);
            if (sync)
            {
                fs.Flush(flushToDisk: true);
            }
        }

        File.Move(temp, final, overwrite: false);
    }
}
