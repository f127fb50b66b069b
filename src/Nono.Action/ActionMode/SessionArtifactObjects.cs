using System.Runtime.Versioning;
using Nono.Core.Snapshots;

namespace Nono.Action.ActionMode;

/// <summary>
/// The contents of the changed files, before and after, stored in the artifact as <c>objects/&lt;sha256&gt;</c>.
/// The file-change events of the signed audit record name these hashes, so a reviewer can show the diff and
/// roll the changes back from verified data only (<c>nono review</c>); report.md and changes.patch are not signed.
/// </summary>
internal static class SessionArtifactObjects
{
    public const string DirectoryName = "objects";

    /// <summary>Files larger than this are left out; the review then shows them as not restorable.</summary>
    public const long MaxFileBytes = 16L * 1024 * 1024;

    /// <summary>All objects together stay under this.</summary>
    public const long MaxTotalBytes = 256L * 1024 * 1024;

    [SupportedOSPlatform("linux")]
    public static void Write(NoFollowDirectory artifactDirectory, string stateRoot, string sessionId, SnapshotDiff? diff)
    {
        if (diff is null || diff.Changes.Count == 0)
        {
            return;
        }

        SnapshotSession snapshots = SnapshotStore.Open(stateRoot).OpenSession(sessionId);
        using NoFollowDirectory directory = artifactDirectory.CreateDirectory(DirectoryName);
        long total = 0;
        foreach (SnapshotChange change in diff.Changes)
        {
            foreach ((string? hash, long size) in new[] { (change.OldHash, change.OldSize), (change.NewHash, change.NewSize) })
            {
                if (hash is null || size > MaxFileBytes || total + size > MaxTotalBytes || directory.Exists(hash))
                {
                    continue;
                }

                directory.WriteNewFile(hash, snapshots.ReadContent(hash, size));
                total += size;
            }
        }
    }
}
