using Nono.Core.Snapshots.Packs;

namespace Nono.Core.Snapshots;

/// <summary>
/// Small objects (compressed to at most <see cref="PackObjectLimit"/> bytes, the vast majority of a
/// source tree) go into pack files instead of one file each: a file per object costs at least one
/// 4 KiB block on disk and an open/read/close on every restore. New small objects are collected in
/// memory and written as a pack of about <see cref="PackBuilder.TargetSize"/> bytes; <see cref="Flush"/>
/// writes the rest, and must run before a manifest may reference them. Loose objects keep working.
/// </summary>
internal sealed partial class ObjectStore : IDisposable
{
    public const int PackObjectLimit = 64 * 1024;

    private readonly Lazy<PackSet> _packs;
    private readonly PackBuilder _pending = new();
    private readonly bool _packSmallObjects;

    /// <summary>The packs of this store, loaded on first use.</summary>
    public PackSet Packs => _packs.Value;

    public string PacksDirectory => Path.Combine(Directory, "packs");

    /// <summary>Writes pending small objects as a pack. Call before anything references them.</summary>
    public void Flush()
    {
        lock (_pending)
        {
            _ = _pending.Commit(Packs, _tempDirectory, sync: false);
        }
    }

    public void Dispose()
    {
        _pending.Dispose();
        if (_packs.IsValueCreated)
        {
            _packs.Value.Dispose();
        }
    }

    private bool IsPending(string hash)
    {
        lock (_pending)
        {
            return _pending.Contains(hash);
        }
    }

    /// <summary>Queues a small compressed object for the next pack; false when it should be stored loose.</summary>
    private bool TryPack(string hash, ReadOnlySpan<byte> compressed)
    {
        if (!_packSmallObjects || compressed.Length > PackObjectLimit)
        {
            return false;
        }

        lock (_pending)
        {
            if (_pending.Add(hash, compressed))
            {
                Interlocked.Increment(ref _objectsWritten);
            }

            if (_pending.Length >= PackBuilder.TargetSize)
            {
                _ = _pending.Commit(Packs, _tempDirectory, sync: false);
            }
        }

        return true;
    }
}
