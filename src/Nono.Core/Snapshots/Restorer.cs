using Microsoft.Win32.SafeHandles;
using Nono.Core.Diagnostics;
using Nono.Core.Snapshots.Native;

namespace Nono.Core.Snapshots;

/// <summary>
/// Brings tracked roots back to a snapshot. The tree was controlled by the sandboxed process, so
/// nothing here trusts it: every parent directory is opened with openat2(RESOLVE_BENEATH |
/// RESOLVE_NO_SYMLINKS) relative to the root descriptor, and the last component is only ever
/// used with calls that do not follow it (unlinkat, renameat, mkdirat, symlinkat, O_NOFOLLOW|O_EXCL).
/// Phase 1 scans and plans; phase 2 extracts and verifies every needed object into the store's
/// private staging area on all cores (a corrupt store aborts before the tree is touched), already
/// carrying its final mode, owner and mtime when one entry uses it; phase 3 renames staged files
/// into place (temp file + rename for shared content and symlinks), creating inodes on one thread
/// per core in disjoint directories (see <see cref="CreateEntries"/>) while removals and metadata run on all cores, so an
/// interruption leaves only complete files and stray temp files, which the next run removes as
/// "created since". Durability: see <see cref="Apply"/>.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed partial class Restorer : IDisposable
{
    private const string TempPrefix = ".nono-tmp-";
    private readonly SnapshotSession _session;
    private readonly ObjectStore _objects;
    private readonly IProgress<SnapshotProgress>? _progress;
    private long _bytesWritten;
    private long _steps;
    private long _totalSteps;
    private string? _applying; // the root being applied, for progress reports of a session of several roots

    /// <param name="session">The session to restore.</param>
    /// <param name="progress">Progress reports, or null.</param>
    /// <param name="verifiedBudget">Memory for verified small content kept until it is written (tests set it low to exercise the second decode).</param>
    public Restorer(SnapshotSession session, IProgress<SnapshotProgress>? progress, long verifiedBudget = VerifiedCacheBudget)
    {
        _verified = new VerifiedContent(verifiedBudget);
        _session = session;
        _objects = session.Store.Objects(session.Info.Options.CompressionLevel);
        _progress = progress;
    }

    /// <summary>Progress reports name their root when the session has several (with one, the line is as it always was).</summary>
    private bool NameRoots => _session.Info.Roots.Count > 1;

    public void Dispose()
    {
        _verified.Dispose();
        _objects.Dispose();
    }

    /// <summary>Permission bits restore applies: setuid and setgid are dropped, sticky kept.</summary>
    public static uint SafeMode(uint mode) => mode & 0x3FF; // 01777

    public RestoreResult Restore(int index, bool dryRun, CancellationToken cancellationToken)
    {
        using SafeFd storeLock = _session.Store.Lock(exclusive: false);
        using SafeFd sessionLock = _session.LockSession();
        Manifest target = _session.LoadManifest(index);
        string computed = MerkleTree.ComputeRoot(target);
        if (computed != target.MerkleRoot || computed != _session.Info.Snapshots[index].MerkleRoot)
        {
            throw new NonoException(NonoErrorCode.VerificationFailed, $"snapshot {index} of session '{_session.Id}' fails its Merkle check; refusing to restore");
        }

        Manifest? latest = _session.Info.Snapshots.Count - 1 != index ? _session.LoadManifest(_session.Info.Snapshots.Count - 1) : null;
        ExcludeFilter filter = new(_session.Info.Options);
        List<(SafeFd Fd, RootPlan Plan)> roots = [];
        try
        {
            for (int r = 0; r < target.Roots.Count; r++)
            {
                (string directory, string? only) = _session.RootLocation(r);
                SafeFd rootFd = OpenRoot(directory); // a missing root is created by Apply, after the verify
                ManifestRoot targetRoot = target.Roots[r];
                Dictionary<string, ManifestEntry> cache = targetRoot.Entries.ToDictionary(e => e.Raw, StringComparer.Ordinal);
                foreach (ManifestEntry e in latest?.Roots[r].Entries ?? [])
                {
                    cache[e.Raw] = e;
                }

                Dictionary<string, long> wantedSizes = targetRoot.Entries.Where(e => e.Type == EntryType.File).ToDictionary(e => e.Raw, e => e.Size, StringComparer.Ordinal);
                ScanResult current;
                try
                {
                    current = rootFd.IsInvalid
                        ? new ScanResult([], [], 0, 0)
                        : new TreeScanner(null, filter, NameRoots ? RootProgress.For(_progress, directory) : _progress, only).Scan(rootFd, cache, e => wantedSizes.TryGetValue(e.Raw, out long size) && size == e.Size, cancellationToken);
                }
                catch (Exception ex) when (Unplaced(ex))
                {
                    throw Placed(directory, "", "", ex);
                }

                roots.Add((rootFd, RootPlan.Build(_session.Info.Roots[r], directory, targetRoot, current)));
            }

            List<RestoreAction> actions = [.. roots.SelectMany(r => r.Plan.Actions())];
            List<SkippedEntry> skipped = [.. target.Roots.SelectMany(r => r.Skipped)];
            if (!dryRun)
            {
                Apply(roots, cancellationToken);
            }

            return new RestoreResult { Session = _session.Id, Snapshot = index, DryRun = dryRun, Actions = actions, BytesWritten = dryRun ? 0 : _bytesWritten, Skipped = skipped, Roots = _session.Info.Roots };
        }
        finally
        {
            foreach ((SafeFd fd, _) in roots)
            {
                fd.Dispose();
            }
        }
    }
}
