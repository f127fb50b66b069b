using System.Runtime.ExceptionServices;

namespace Nono.Core.Snapshots;

/// <summary>
/// Decodes and re-verifies, on worker threads, the small content that a restore verified but could not
/// keep in memory, in the order its single file-creating thread consumes it (<see cref="Take"/>).
/// <para>
/// Content lives in a ring of <c>window</c> buffers this object owns (no pool): entry i is decoded into
/// buffer i mod window, and a worker claims entry i only after it got a window place, which the creator
/// gives back when it released entry i - window (<see cref="Prefetched.Dispose"/>). So a buffer is
/// overwritten only after the creator is done with it, the entries in flight are always the next ones
/// the creator needs (it can never wait for an entry nobody will decode), and nothing is allocated per
/// file: a 30,000-file tree costs the same bookkeeping as a 64-file one.
/// </para>
/// <para>
/// Memory bound: each buffer is allocated when its slot is first used and grown to the largest content
/// it held, so at most min(window, files) x (<see cref="Restorer.DirectLimit"/> + 1) bytes (the extra
/// byte lets an object longer than recorded fail the size check). With the restore's window of 64 that
/// is 16 MiB + 64 bytes. The previous pooled version documented 64 x 256 KiB but rented size + 1 bytes
/// from <see cref="System.Buffers.ArrayPool{T}"/>, which rounds up to a power of two: 512 KiB for
/// content of exactly 256 KiB, twice the documented bound. While reading, each worker also holds one
/// pooled compressed buffer (returned before it decodes the next object).
/// </para>
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class ContentPrefetch : IDisposable
{
    /// <summary>What released content is overwritten with when poisoning is on (tests, debug builds).</summary>
    internal const byte Poison = 0xDB;

    private readonly ObjectStore _objects;
    private readonly IReadOnlyList<ManifestEntry> _entries;
    private readonly Slot[] _ring;
    private readonly SemaphoreSlim _window;
    private readonly CancellationTokenSource _stop;
    private readonly Task[] _workers;
    private readonly bool _poisonReleased;
    private int _claimed = -1;
    private int _taken;
    private bool _held;

    /// <param name="objects">The store the content was verified from.</param>
    /// <param name="entries">The files whose content is needed, in the order <see cref="Take"/> is called.</param>
    /// <param name="workers">Decoding threads.</param>
    /// <param name="window">How many entries may be decoded and not yet released.</param>
    /// <param name="cancellationToken">Stops the workers and a waiting <see cref="Take"/>.</param>
    /// <param name="poisonReleased">Overwrite content when it is released, so a write that uses it afterwards
    /// writes visibly wrong bytes instead of another file's content (tests check restored trees byte for byte).</param>
    public ContentPrefetch(ObjectStore objects, IReadOnlyList<ManifestEntry> entries, int workers, int window, CancellationToken cancellationToken, bool poisonReleased = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        _objects = objects;
        _entries = entries;
        _poisonReleased = poisonReleased;
        _ring = new Slot[Math.Min(window, entries.Count)];
        for (int i = 0; i < _ring.Length; i++)
        {
            _ring[i] = new Slot();
        }

        _window = new SemaphoreSlim(_ring.Length);
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _workers = new Task[Math.Min(workers, entries.Count)];
        for (int i = 0; i < _workers.Length; i++)
        {
            _workers[i] = Task.Factory.StartNew(Work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
    }

    /// <summary>
    /// The verified content of <paramref name="entry"/>, the next entry of the list, valid until the result is
    /// disposed; the next <see cref="Take"/> needs it disposed first. Throws what decoding it threw.
    /// </summary>
    public Prefetched Take(ManifestEntry entry)
    {
        // Content is matched to files by position: a caller that skipped or repeated an entry would write another
        // file's content into this one and still report success.
        if (_held || _taken >= _entries.Count || !ReferenceEquals(_entries[_taken], entry))
        {
            throw new InvalidOperationException("restore content prefetch is out of step with the files being created");
        }

        Slot slot = _ring[_taken % _ring.Length];
        slot.Ready.Wait(_stop.Token); // throws when the restore is cancelled
        _taken++;
        slot.Error?.Throw(); // the restore stops here; the window place is not needed again
        _held = true;
        return new Prefetched(this, _taken - 1, slot.Buffer.AsSpan(0, slot.Length));
    }

    public void Dispose()
    {
        _stop.Cancel();
        Task.WaitAll(_workers);
        foreach (Slot slot in _ring)
        {
            slot.Ready.Dispose();
        }

        _window.Dispose();
        _stop.Dispose();
    }

    private void Release(int index)
    {
        // Only the lease held now may release: a stale one would poison or free the buffer of the content in use.
        if (!_held || index != _taken - 1)
        {
            throw new InvalidOperationException("restore content released twice or out of step");
        }

        Slot slot = _ring[index % _ring.Length];
        if (_poisonReleased)
        {
            slot.Buffer.AsSpan(0, slot.Length).Fill(Poison);
        }

        _held = false;
        _window.Release();
    }

    private void Work()
    {
        while (true)
        {
            try
            {
                _window.Wait(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            int i = Interlocked.Increment(ref _claimed);
            if (i >= _entries.Count)
            {
                return;
            }

            // The creator released entry i - window before this place was free, so nobody reads this slot now.
            Slot slot = _ring[i % _ring.Length];
            ManifestEntry entry = _entries[i];
            try
            {
                int needed = checked((int)entry.Size + 1);
                if (slot.Buffer is null || slot.Buffer.Length < needed)
                {
                    slot.Buffer = GC.AllocateUninitializedArray<byte>(needed);
                }

                slot.Length = _objects.DecodeVerified(entry.Hash!, entry.Size, slot.Buffer);
                slot.Error = null;
            }
            catch (Exception ex)
            {
                slot.Length = 0;
                slot.Error = ExceptionDispatchInfo.Capture(ex); // reported by Take, in the creator's order
            }

            slot.Ready.Release(); // publishes Buffer, Length and Error to the creator
        }
    }

    /// <summary>
    /// Content handed to the creator; disposing it gives its buffer back to the workers. Disposing a default
    /// value does nothing (it holds no buffer).
    /// </summary>
    internal readonly ref struct Prefetched(ContentPrefetch owner, int index, ReadOnlySpan<byte> content)
    {
        public ReadOnlySpan<byte> Content { get; } = content;

        public void Dispose() => owner?.Release(index);
    }

    private sealed class Slot
    {
        public SemaphoreSlim Ready { get; } = new(0, 1);

        public byte[]? Buffer { get; set; }

        public int Length { get; set; }

        public ExceptionDispatchInfo? Error { get; set; }
    }
}
