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
    private readonly ConcurrentDictionary<ObjectKey, (Pack Pack, PackEntry Entry)> _objects;
    private readonly List<Pack> _packs = [];

    private PackSet(string directory, int capacity)
    {
        Directory = directory;
        _objects = new ConcurrentDictionary<ObjectKey, (Pack Pack, PackEntry Entry)>(Environment.ProcessorCount, capacity);
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
        if (!System.IO.Directory.Exists(directory))
        {
            return new PackSet(directory, 0);
        }

        // Sized up front from the index lengths: no rehashing while tens of thousands of entries go in.
        string[] indexes = [.. System.IO.Directory.EnumerateFiles(directory, Pack.Prefix + "*" + Pack.IndexExtension).Order(StringComparer.Ordinal)];
        long expected = indexes.Sum(index => new FileInfo(index).Length / PackIndexFormat.EntrySize);
        PackSet set = new(directory, (int)Math.Min(expected + 1024, 1 << 24));
        foreach (string index in indexes)
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
        (Pack Pack, PackEntry Entry) hit = default;
        bool found = ObjectKey.TryParse(hash, out ObjectKey key) && _objects.TryGetValue(key, out hit);
        pack = hit.Pack!; // null only when not found (as before): callers use it only when this returns true
        entry = hit.Entry;
        return found;
    }

    public bool Contains(string hash) => ObjectKey.TryParse(hash, out ObjectKey key) && _objects.ContainsKey(key);

    public bool Contains(ObjectKey key) => _objects.ContainsKey(key);

    public IEnumerable<string> Hashes => _objects.Keys.Select(key => key.ToString());

    public void Add(Pack pack)
    {
        lock (_packs)
        {
            _packs.Add(pack);
        }

        foreach (PackEntry entry in pack.Entries)
        {
            _objects.TryAdd(entry.Key, (pack, entry));
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
