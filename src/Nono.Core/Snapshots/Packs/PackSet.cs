using System.Collections.Concurrent;
using Microsoft.Win32.SafeHandles;

namespace Nono.Core.Snapshots.Packs;

/// <summary>
/// All packs of a store, loaded once: a hash-to-location map (lock-free reads from every worker) and
/// the packs whose index could not be used. An object held by several packs (a compaction that was
/// interrupted after writing its new pack) is read from the first one loaded; cleanup drops the copy.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class PackSet : IDisposable
{
    private readonly ConcurrentDictionary<string, (Pack Pack, PackEntry Entry)> _objects = new(StringComparer.Ordinal);
    private readonly List<Pack> _packs = [];

    private PackSet(string directory)
    {
        Directory = directory;
    }

    public string Directory { get; }

    public IReadOnlyList<Pack> Packs
    {
        get
        {
            lock (_packs)
            {
                return [.. _packs];
            }
        }
    }

    /// <summary>Packs whose index is damaged or whose data file is missing: "pack-ID: why".</summary>
    public List<string> Problems { get; } = [];

    public int Count => _objects.Count;

    public static PackSet Load(string directory)
    {
        PackSet set = new(directory);
        if (!System.IO.Directory.Exists(directory))
        {
            return set;
        }

        foreach (string index in System.IO.Directory.EnumerateFiles(directory, Pack.Prefix + "*" + Pack.IndexExtension).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileNameWithoutExtension(index);
            if (Pack.IsName(name))
            {
                set.LoadOne(name);
            }
        }

        return set;
    }

    public bool TryGet(string hash, out Pack pack, out PackEntry entry)
    {
        bool found = _objects.TryGetValue(hash, out (Pack Pack, PackEntry Entry) hit);
        (pack, entry) = hit;
        return found;
    }

    public bool Contains(string hash) => _objects.ContainsKey(hash);

    public IEnumerable<string> Hashes => _objects.Keys;

    public void Add(Pack pack)
    {
        lock (_packs)
        {
            _packs.Add(pack);
        }

        foreach (PackEntry entry in pack.Entries)
        {
            _objects.TryAdd(entry.Hash, (pack, entry));
        }
    }

    public string DataPath(string name) => Path.Combine(Directory, name + Pack.DataExtension);

    public string IndexPath(string name) => Path.Combine(Directory, name + Pack.IndexExtension);

    public void Dispose()
    {
        foreach (Pack pack in Packs)
        {
            pack.Dispose();
        }
    }

    private void LoadOne(string name)
    {
        SafeFileHandle handle;
        byte[] index;
        try
        {
            handle = File.OpenHandle(DataPath(name), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            index = File.ReadAllBytes(IndexPath(name));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Problems.Add($"{name}: unreadable ({ex.Message})");
            return;
        }

        List<PackEntry>? entries = PackIndexFormat.Decode(index, RandomAccess.GetLength(handle), out string? problem);
        if (entries is null)
        {
            handle.Dispose();
            Problems.Add($"{name}: {problem}");
            return;
        }

        Add(new Pack(name, handle, entries));
    }
}
