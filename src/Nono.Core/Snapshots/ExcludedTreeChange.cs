namespace Nono.Core.Snapshots;

/// <summary>An excluded path whose metadata digest differs between two snapshots (or that appeared, vanished, or could not be fully walked).</summary>
/// <param name="Root">The snapshot root.</param>
/// <param name="Path">The path relative to the root, as shown to users.</param>
/// <param name="Kind">Created, Deleted or Modified.</param>
/// <param name="EntriesBefore">Entries under it in the first snapshot; null when absent there.</param>
/// <param name="EntriesAfter">Entries under it in the second snapshot; null when absent there.</param>
/// <param name="Complete">False when either walk stopped at its budget (then it is reported even if the digests match).</param>
public sealed record ExcludedTreeChange(string Root, string Path, ChangeKind Kind, long? EntriesBefore, long? EntriesAfter, bool Complete)
{
    /// <summary>The changes between two snapshots' excluded paths, ordered by root and path.</summary>
    public static IReadOnlyList<ExcludedTreeChange> Between(IReadOnlyList<ExcludedTree> before, IReadOnlyList<ExcludedTree> after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        Dictionary<(string, string), ExcludedTree> a = ByKey(before);
        Dictionary<(string, string), ExcludedTree> b = ByKey(after);
        List<ExcludedTreeChange> changes = [];
        foreach ((string root, string raw) in a.Keys.Union(b.Keys).OrderBy(k => k.Item1, StringComparer.Ordinal).ThenBy(k => k.Item2, StringComparer.Ordinal))
        {
            ExcludedTree? old = a.GetValueOrDefault((root, raw));
            ExcludedTree? now = b.GetValueOrDefault((root, raw));
            bool complete = old?.Complete != false && now?.Complete != false;
            if (old is not null && now is not null && old.Digest == now.Digest && complete)
            {
                continue;
            }

            ChangeKind kind = old is null ? ChangeKind.Created : now is null ? ChangeKind.Deleted : ChangeKind.Modified;
            changes.Add(new ExcludedTreeChange(root, now?.Path ?? old?.Path ?? raw, kind, old?.Entries, now?.Entries, complete));
        }

        return changes;
    }

    /// <summary>Two excluded paths with the same key (never in one scan) are folded into one, so nothing is lost.</summary>
    private static Dictionary<(string, string), ExcludedTree> ByKey(IReadOnlyList<ExcludedTree> trees)
    {
        Dictionary<(string, string), ExcludedTree> byKey = [];
        foreach (ExcludedTree tree in trees)
        {
            byKey[(tree.Root, tree.Raw)] = byKey.TryGetValue((tree.Root, tree.Raw), out ExcludedTree? seen)
                ? seen with { Digest = seen.Digest + "+" + tree.Digest, Entries = seen.Entries + tree.Entries, Complete = seen.Complete && tree.Complete }
                : tree;
        }

        return byKey;
    }
}
