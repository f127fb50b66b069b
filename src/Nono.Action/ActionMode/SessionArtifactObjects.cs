using System.Globalization;
using System.Runtime.Versioning;
using System.Text;
using Nono.Core.Snapshots;

namespace Nono.Action.ActionMode;

/// <summary>
/// The contents of the changed files, before and after, stored in the artifact as <c>objects/&lt;sha256&gt;</c>.
/// The file-change events of the signed audit record name these hashes, so a reviewer can show the diff and
/// roll the changes back from verified data only (<c>nono review</c>); report.md and changes.patch are not signed.
/// The budget goes to protected paths first, then to the smallest files, so one large file cannot push the rest out;
/// what does not fit is listed in <c>objects-omitted.txt</c>.
/// </summary>
internal static class SessionArtifactObjects
{
    public const string DirectoryName = "objects";

    /// <summary>Lists the file versions left out, one per line: hash, size, path, reason.</summary>
    public const string OmittedFileName = "objects-omitted.txt";

    /// <summary>Files larger than this are left out; the review then shows them as not restorable.</summary>
    public const long MaxFileBytes = 16L * 1024 * 1024;

    /// <summary>All objects together stay under this.</summary>
    public const long MaxTotalBytes = 256L * 1024 * 1024;

    /// <summary>Writes the objects and returns the versions left out (empty when all fit).</summary>
    [SupportedOSPlatform("linux")]
    public static IReadOnlyList<OmittedObject> Write(NoFollowDirectory artifactDirectory, string stateRoot, string sessionId, SnapshotDiff? diff, Func<string, bool> isProtected) =>
        Write(artifactDirectory, stateRoot, sessionId, diff, isProtected, MaxFileBytes, MaxTotalBytes);

    /// <summary>The same with other budgets (tests).</summary>
    [SupportedOSPlatform("linux")]
    internal static IReadOnlyList<OmittedObject> Write(NoFollowDirectory artifactDirectory, string stateRoot, string sessionId, SnapshotDiff? diff, Func<string, bool> isProtected, long maxFileBytes, long maxTotalBytes)
    {
        if (diff is null || diff.Changes.Count == 0)
        {
            return [];
        }

        SnapshotSession snapshots = SnapshotStore.Open(stateRoot).OpenSession(sessionId);
        // Created by descriptor without following links (the artifact folder may sit in a granted runner.temp).
        using NoFollowDirectory directory = artifactDirectory.CreateDirectory(DirectoryName);
        List<OmittedObject> omitted = [];
        long total = 0;
        foreach (Candidate c in Candidates(diff, isProtected))
        {
            string? reason = c.Size > maxFileBytes ? $"larger than the {maxFileBytes} bytes kept per file"
                : total + c.Size > maxTotalBytes ? $"the artifact's {maxTotalBytes} bytes for contents were spent"
                : null;
            if (reason is not null)
            {
                omitted.Add(new OmittedObject(c.Hash, c.Size, c.Path, reason));
                continue;
            }

            directory.WriteNewFile(c.Hash, snapshots.ReadContent(c.Hash, c.Size));
            total += c.Size;
        }

        if (omitted.Count > 0)
        {
            artifactDirectory.WriteNewFile(
                OmittedFileName,
                Encoding.UTF8.GetBytes(string.Concat(omitted.Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.Hash}\t{o.Size}\t{o.Path}\t{o.Reason}\n")))));
        }

        return omitted;
    }

    /// <summary>Each content once (before and after versions of all changes), protected paths first, then smallest first.</summary>
    private static IEnumerable<Candidate> Candidates(SnapshotDiff diff, Func<string, bool> isProtected) =>
        diff.Changes
            .SelectMany(change => new[] { (change.OldHash, change.OldSize, change.Path), (change.NewHash, change.NewSize, change.Path) })
            .Where(v => v.Item1 is not null)
            .Select(v => new Candidate(v.Item1!, v.Item2, v.Path, isProtected(v.Path))) // non-null: filtered on the line above
            .GroupBy(c => c.Hash, StringComparer.Ordinal)
            .Select(g => g.OrderByDescending(c => c.Protected).First())
            .OrderByDescending(c => c.Protected)
            .ThenBy(c => c.Size)
            .ThenBy(c => c.Hash, StringComparer.Ordinal);

    private sealed record Candidate(string Hash, long Size, string Path, bool Protected);
}
