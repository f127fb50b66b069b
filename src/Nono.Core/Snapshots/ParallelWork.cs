using System.Runtime.ExceptionServices;

namespace Nono.Core.Snapshots;

/// <summary>Parallel.ForEach on all cores that rethrows the first real failure instead of an AggregateException.</summary>
internal static class ParallelWork
{
    public static void ForEach<T>(IEnumerable<T> items, Action<T> body, CancellationToken cancellationToken)
    {
        ParallelOptions options = new() { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken };
        try
        {
            Parallel.ForEach(items, options, body);
        }
        catch (AggregateException ex)
        {
            IReadOnlyCollection<Exception> inner = ex.Flatten().InnerExceptions;
            Exception first = inner.FirstOrDefault(e => e is Diagnostics.NonoException) ?? inner.First();
            ExceptionDispatchInfo.Capture(first).Throw();
        }
    }
}
