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
/// staging area, so a corrupt store aborts before the tree is touched; phase 3 applies with
/// temp file + rename per entry, so an interruption leaves only stray temp files, which the next
/// run removes as "created since".
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed partial class Restorer
{
    private const string TempPrefix = ".nono-tmp-";
    private readonly SnapshotSession _session;
    private readonly ObjectStore _objects;
    private readonly IProgress<SnapshotProgress>? _progress;
    private long _bytesWritten;

    public Restorer(SnapshotSession session, IProgress<SnapshotProgress>? progress)
    {
        _session = session;
        _objects = session.Store.Objects(session.Info.Options.CompressionLevel);
        _progress = progress;
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
                SafeFd rootFd = OpenRoot(_session.Info.Roots[r], dryRun);
                ManifestRoot targetRoot = target.Roots[r];
                Dictionary<string, ManifestEntry> cache = targetRoot.Entries.ToDictionary(e => e.Raw, StringComparer.Ordinal);
                foreach (ManifestEntry e in latest?.Roots[r].Entries ?? [])
                {
                    cache[e.Raw] = e;
                }

                Dictionary<string, long> wantedSizes = targetRoot.Entries.Where(e => e.Type == EntryType.File).ToDictionary(e => e.Raw, e => e.Size, StringComparer.Ordinal);
                ScanResult current = rootFd.IsInvalid
                    ? new ScanResult([], [], 0, 0)
                    : new TreeScanner(null, filter, _progress).Scan(rootFd, cache, e => wantedSizes.TryGetValue(e.Raw, out long size) && size == e.Size, cancellationToken);
                roots.Add((rootFd, RootPlan.Build(_session.Info.Roots[r], targetRoot, current)));
            }

            List<RestoreAction> actions = [.. roots.SelectMany(r => r.Plan.Actions())];
            List<SkippedEntry> skipped = [.. target.Roots.SelectMany(r => r.Skipped)];
            if (!dryRun)
            {
                Apply(roots, cancellationToken);
            }

            return new RestoreResult { Session = _session.Id, Snapshot = index, DryRun = dryRun, Actions = actions, BytesWritten = dryRun ? 0 : _bytesWritten, Skipped = skipped };
        }
        finally
        {
            foreach ((SafeFd fd, _) in roots)
            {
                fd.Dispose();
            }
        }
    }

    private static SafeFd OpenRoot(string root, bool dryRun)
    {
        if (!Directory.Exists(root) && !File.Exists(root) && new FileInfo(root).LinkTarget is null)
        {
            if (dryRun)
            {
                return new SafeFd(-1);
            }

            Directory.CreateDirectory(root);
        }

        return Fs.OpenDirectory(root);
    }

    private void Apply(List<(SafeFd Fd, RootPlan Plan)> roots, CancellationToken cancellationToken)
    {
        // One restore per session at a time (session lock), so a staging area left by a killed restore is ours to remove.
        string stagingPath = Path.Combine(_objects.Directory, "tmp", "restore-" + _session.Id);
        if (Directory.Exists(stagingPath))
        {
            Directory.Delete(stagingPath, recursive: true);
        }

        ObjectStore.CreatePrivateDirectory(stagingPath);
        try
        {
            using SafeFd staging = Fs.OpenDirectory(stagingPath);
            Dictionary<string, int> uses = Stage(staging, roots.SelectMany(r => r.Plan.Files), cancellationToken);
            foreach ((SafeFd rootFd, RootPlan plan) in roots)
            {
                ApplyRoot(rootFd, plan, staging, uses, cancellationToken);
                Fs.SyncFileSystem(rootFd);
            }
        }
        finally
        {
            Directory.Delete(stagingPath, recursive: true);
        }
    }

    /// <summary>Extracts and verifies each distinct object once; any failure aborts before the tree is touched.</summary>
    private Dictionary<string, int> Stage(SafeFd staging, IEnumerable<ManifestEntry> files, CancellationToken cancellationToken)
    {
        Dictionary<string, int> uses = new(StringComparer.Ordinal);
        Dictionary<string, long> sizes = new(StringComparer.Ordinal);
        foreach (ManifestEntry file in files)
        {
            string hash = file.Hash ?? throw new NonoException(NonoErrorCode.StateCorrupt, $"manifest entry {RawName.ToDisplay(file.Raw)} has no content hash");
            uses[hash] = uses.GetValueOrDefault(hash) + 1;
            sizes[hash] = file.Size;
        }

        long done = 0;
        try
        {
            ParallelWork.ForEach(sizes, pair => StageOne(staging, pair.Key, pair.Value, ref done, sizes.Count), cancellationToken);
        }
        catch (NonoException ex) when (ex.Code == NonoErrorCode.VerificationFailed)
        {
            throw new NonoException(NonoErrorCode.VerificationFailed, ex.Message + "; refusing to restore, nothing was changed", ex.Path, inner: ex);
        }

        return uses;
    }

    private void StageOne(SafeFd staging, string hash, long size, ref long done, int total)
    {
        {
            using SafeFd fd = Fs.OpenAt(staging, hash, Interop.O_WRONLY | Interop.O_CREAT | Interop.O_EXCL | Interop.O_NOFOLLOW, 0x180);
            using SafeFileHandle handle = new(fd.DangerousGetHandle(), ownsHandle: false);
            using FileStream stream = new(handle, FileAccess.Write, 1);
            _objects.ExtractVerified(hash, size, stream);
            _progress?.Report(new SnapshotProgress("stage", Interlocked.Increment(ref done), 0, total));
        }
    }
}
