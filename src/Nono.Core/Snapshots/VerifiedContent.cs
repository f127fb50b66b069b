using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Nono.Core.Snapshots.Native;

namespace Nono.Core.Snapshots;

/// <summary>
/// Small content a restore verified before touching the tree, kept until it is written, in a few
/// native slabs instead of one array per object. An array each (29 k of them on the benchmark tree)
/// was zeroed by the GC, rounded up to a power of two by the pool, promoted and copied by compaction,
/// and every fresh 4 KiB page cost a fault. Slabs are 2 MiB-aligned and advised as huge pages, so a
/// slab costs a few faults; content is appended once, read afterwards, and all of it freed together.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed unsafe class VerifiedContent(long budget) : IDisposable
{
    private const int SlabSize = 16 * 1024 * 1024;
    private const nuint HugePageSize = 2 * 1024 * 1024;

    private readonly ConcurrentDictionary<string, (nint Address, int Length)> _kept = new(StringComparer.Ordinal);
    private readonly List<nint> _slabs = [];
    private long _used = SlabSize; // no current slab yet
    private nint _current;

    /// <summary>
    /// Room for <paramref name="capacity"/> bytes, or false when the budget is spent (or the content
    /// is larger than a slab); the caller then verifies without keeping.
    /// </summary>
    public bool TryReserve(int capacity, out Span<byte> destination, out nint address)
    {
        destination = default;
        address = 0;
        lock (_slabs)
        {
            if (capacity > SlabSize)
            {
                return false;
            }

            if (_used + capacity > SlabSize)
            {
                if ((long)(_slabs.Count + 1) * SlabSize > budget)
                {
                    return false;
                }

                // SAFETY: a fresh allocation of SlabSize bytes, freed only in Dispose; madvise covers exactly it and is only advice.
                _current = (nint)NativeMemory.AlignedAlloc(SlabSize, HugePageSize);
                _slabs.Add(_current);
                _ = Interop.Libc.madvise(_current, SlabSize, Interop.MADV_HUGEPAGE);
                _used = 0;
            }

            address = _current + (nint)_used;
            _used += capacity;
        }

        // SAFETY: [address, address + capacity) lies inside a live slab reserved for this caller alone.
        destination = new Span<byte>((void*)address, capacity);
        return true;
    }

    /// <summary>Records verified content written at <paramref name="address"/> (from <see cref="TryReserve"/>).</summary>
    public void Keep(string hash, nint address, int length) => _kept.TryAdd(hash, (address, length));

    /// <summary>The kept content of <paramref name="hash"/>; valid until <see cref="Dispose"/>.</summary>
    public bool TryGet(string hash, out ReadOnlySpan<byte> content)
    {
        if (_kept.TryGetValue(hash, out (nint Address, int Length) kept))
        {
            // SAFETY: the range was filled by the decoder inside a slab that stays allocated until Dispose.
            content = new ReadOnlySpan<byte>((void*)kept.Address, kept.Length);
            return true;
        }

        content = default;
        return false;
    }

    public void Dispose()
    {
        _kept.Clear();
        lock (_slabs)
        {
            foreach (nint slab in _slabs)
            {
                // SAFETY: each slab came from AlignedAlloc above and is freed once; nothing reads it after Dispose.
                NativeMemory.AlignedFree((void*)slab);
            }

            _slabs.Clear();
            _used = SlabSize;
        }
    }
}
