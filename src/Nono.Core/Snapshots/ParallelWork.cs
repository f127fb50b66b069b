using System.Runtime.ExceptionServices;

namespace Nono.Core.Snapshots;

/// <summary>Parallel loops that rethrow the first real failure instead of an AggregateException.</summary>
internal static class ParallelWork
{
    /// <summary>Parallel.ForEach on all cores.</summary>
    public static void ForEach<T>(IEnumerable<T> items, Action<T> body, CancellationToken cancellationToken)
    {
        ParallelOptions options = new() { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken };
        try
        {
            Parallel.ForEach(items, options, body);
        }
        catch (AggregateException ex)
        {
            Rethrow(ex.Flatten().InnerExceptions);
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/> for every item on up to <paramref name="threads"/> threads (this one included), each
    /// thread taking the next item in list order when it is done with its last. The first failure cancels the token the
    /// other bodies were given, so they stop at their next check instead of finishing their item, and is rethrown once
    /// all have returned. One item, or one thread, runs inline.
    /// </summary>
    public static void InOrder<T>(IReadOnlyList<T> items, int threads, Action<T, CancellationToken> body, CancellationToken cancellationToken)
    {
        if (items.Count <= 1 || threads <= 1)
        {
            foreach (T item in items)
            {
                body(item, cancellationToken);
            }

            return;
        }

        using CancellationTokenSource stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        List<Exception> failures = [];
        int next = -1;
        void Work()
        {
            int i;
            while (!stop.IsCancellationRequested && (i = Interlocked.Increment(ref next)) < items.Count)
            {
                try
                {
                    body(items[i], stop.Token);
                }
                catch (Exception ex)
                {
                    lock (failures)
                    {
                        failures.Add(ex);
                    }

                    stop.Cancel();
                }
            }
        }

        Task[] helpers = new Task[Math.Min(threads, items.Count) - 1];
        for (int t = 0; t < helpers.Length; t++)
        {
            helpers[t] = Task.Factory.StartNew(Work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }

        Work();
        Task.WaitAll(helpers, CancellationToken.None); // the helpers use the caller's descriptors: all must have returned
        if (failures.Count > 0)
        {
            Rethrow(failures);
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>The cause, not the cancellations it triggered in the other threads: a NonoException first, then any other failure.</summary>
    private static void Rethrow(IReadOnlyCollection<Exception> failures)
    {
        Exception first = failures.FirstOrDefault(e => e is Diagnostics.NonoException)
            ?? failures.FirstOrDefault(e => e is not OperationCanceledException)
            ?? failures.First();
        ExceptionDispatchInfo.Capture(first).Throw();
    }
}
