namespace Nono.Core.Snapshots;

public sealed partial class SnapshotSession
{
    /// <summary>
    /// Brings every root back to snapshot <paramref name="index"/> exactly: changed files rewritten
    /// atomically, deleted ones recreated, new ones removed, modes (without setuid/setgid), times and
    /// symlinks restored; special files are never recreated. Every needed object is verified before
    /// the tree is touched. An interrupted restore can simply be run again.
    /// </summary>
    public Task<RestoreResult> RestoreAsync(int index, bool dryRun = false, IProgress<SnapshotProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Task.Run(
            () =>
            {
                using Restorer restorer = new(this, progress);
                return restorer.Restore(index, dryRun, cancellationToken);
            },
            cancellationToken);
}
