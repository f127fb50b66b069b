using System.Buffers;

namespace Nono.Core.Snapshots;

/// <summary>
/// Decodes and re-verifies, on worker threads, the small content that a restore verified but could not
/// keep in memory, in the order its single file-creating thread consumes it (<see cref="Take"/>). At most
/// <c>window</c> objects are decoded ahead of the creator, so memory stays bounded (window x the small-object
/// limit). A worker claims the next entry only after it got a window place, so the entries in flight are
/// always the next ones the creator needs: it can never wait for an entry nobody will decode.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class ContentPrefetch : IDisposable
{
    private readonly ObjectStore _objects;
    private readonly IReadOnlyList<ManifestEntry> _entries;
    private readonly TaskCompletionSource<(byte[] Buffer, int Length)>[] _slots;
    private readonly SemaphoreSlim _window;
    private readonly CancellationTokenSource _stop;
    private readonly Task[] _workers;
    private int _claimed = -1;
    private int _taken;

    public ContentPrefetch(ObjectStore objects, IReadOnlyList<ManifestEntry> entries, int workers, int window, CancellationToken cancellationToken)
    {
        _objects = objects;
        _entries = entries;
        _slots = [.. entries.Select(_ => new TaskCompletionSource<(byte[], int)>(TaskCreationOptions.RunContinuationsAsynchronously))];
        _window = new SemaphoreSlim(window);
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _workers = entries.Count == 0
            ? []
            : [.. Enumerable.Range(0, Math.Min(workers, entries.Count)).Select(_ => Task.Factory.StartNew(Work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default))];
    }

    /// <summary>
    /// The verified content of <paramref name="entry"/>, the next entry of the list, which the caller hands back with
    /// <see cref="Return"/>; throws what decoding it threw (the store changed after it was verified).
    /// </summary>
    public (byte[] Buffer, int Length) Take(ManifestEntry entry)
    {
        // Content is matched to files by position: a caller that skipped or repeated an entry would write another
        // file's content into this one and still report success.
        if (_taken >= _entries.Count || !ReferenceEquals(_entries[_taken], entry))
        {
            throw new InvalidOperationException("restore content prefetch is out of step with the files being created");
        }

        Task<(byte[] Buffer, int Length)> next = _slots[_taken].Task;
        try
        {
            next.Wait(_stop.Token); // throws when the restore is cancelled
        }
        catch (AggregateException)
        {
            // decoding failed: GetResult below rethrows the original exception
        }

        _taken++;
        return next.GetAwaiter().GetResult();
    }

    public void Return(byte[] buffer)
    {
        ArrayPool<byte>.Shared.Return(buffer);
        _window.Release();
    }

    public void Dispose()
    {
        _stop.Cancel();
        Task.WaitAll(_workers);
        for (int i = _taken; i < _slots.Length; i++)
        {
            if (_slots[i].Task.IsCompletedSuccessfully)
            {
                ArrayPool<byte>.Shared.Return(_slots[i].Task.Result.Buffer);
            }
        }

        _window.Dispose();
        _stop.Dispose();
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
            if (i >= _slots.Length)
            {
                return;
            }

            ManifestEntry entry = _entries[i];
            try
            {
                byte[] buffer = _objects.RentVerified(entry.Hash!, entry.Size, out int length);
                _slots[i].SetResult((buffer, length));
            }
            catch (Exception ex)
            {
                _slots[i].SetException(ex); // reported by Take, in the creator's order
            }
        }
    }
}
