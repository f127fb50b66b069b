namespace Nono.Action.GitHub;

/// <summary>
/// The runner shows at most 10 annotations of each kind (error, warning, notice) per step from workflow
/// commands and drops the rest silently. This splits findings into those written as workflow commands and
/// the overflow that must go through the check-run API (50 per request).
/// </summary>
internal static class AnnotationBudget
{
    public const int PerKindPerStep = 10;

    public const int CheckRunBatch = 50;

    public static (IReadOnlyList<T> Commands, IReadOnlyList<T> Overflow) Split<T>(IEnumerable<T> findings, Func<T, string> kind)
    {
        Dictionary<string, int> used = new(StringComparer.Ordinal);
        List<T> commands = [];
        List<T> overflow = [];
        foreach (T finding in findings)
        {
            string k = kind(finding);
            int n = used.GetValueOrDefault(k);
            if (n < PerKindPerStep)
            {
                used[k] = n + 1;
                commands.Add(finding);
            }
            else
            {
                overflow.Add(finding);
            }
        }

        return (commands, overflow);
    }

    public static IEnumerable<IReadOnlyList<T>> Batches<T>(IReadOnlyList<T> items) => items.Chunk(CheckRunBatch);
}
