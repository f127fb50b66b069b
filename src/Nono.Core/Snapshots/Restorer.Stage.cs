using Microsoft.Win32.SafeHandles;
using Nono.Core.Diagnostics;
using Nono.Core.Snapshots.Native;

namespace Nono.Core.Snapshots;

internal sealed partial class Restorer
{
    /// <summary>Where content too large to keep in memory is extracted before the tree is touched.</summary>
    private string StagingPath => Path.Combine(_objects.Directory, "tmp", "restore-" + _session.Id);

    /// <summary>
    /// Stages, applies, then makes the result durable with one syncfs per root instead of an fsync
    /// per file and directory. Why that is enough:
    /// <list type="bullet">
    /// <item>A killed restore (SIGKILL, OOM, cancelled job) needs no flush at all: the page cache
    /// outlives the process, and every name in the tree is either the old entry or a complete new
    /// one, because each file appears by rename. The next run plans from a fresh scan.</item>
    /// <item>A crash of the machine before syncfs returns may leave renamed files whose data never
    /// reached the disk (empty or zero-filled after journal replay). An fsync per file would prevent
    /// that, but the restore has not reported success, so it must be run again anyway, and the rerun
    /// cannot mistake such a file for restored content: it trusts a file without reading it only when
    /// inode, size, mtime and ctime all match a manifest, and a restored file's ctime is the time of
    /// the restore, which no manifest holds. So every file the crashed run touched is re-hashed and
    /// rewritten if wrong.</item>
    /// <item>Success is reported only after syncfs returned without error (since Linux 5.8 syncfs
    /// reports writeback errors of the file system), which covers file data, inodes and every
    /// directory entry the renames changed.</item>
    /// </list>
    /// </summary>
    private void Apply(List<(SafeFd Fd, RootPlan Plan)> roots, CancellationToken cancellationToken)
    {
        // One restore per session at a time (session lock), so a staging area left by a killed restore is ours to remove.
        string stagingPath = StagingPath;
        if (Directory.Exists(stagingPath))
        {
            Directory.Delete(stagingPath, recursive: true);
        }

        ObjectStore.CreatePrivateDirectory(stagingPath);
        try
        {
            using SafeFd staging = Fs.OpenDirectory(stagingPath);
            Dictionary<string, StagedObject> staged = Stage(staging, roots.SelectMany(r => r.Plan.Files.Select(file => (r.Plan, file))), cancellationToken);
            AfterVerify?.Invoke();
            CheckRoots(roots, BeforeTakeBack); // only now: a failed verify must leave even a deleted root absent
            _totalSteps = roots.Sum(r => (long)r.Plan.Deletes.Count + r.Plan.Mkdirs.Count + r.Plan.Files.Count + r.Plan.Symlinks.Count + r.Plan.FileModes.Count);
            foreach ((SafeFd rootFd, RootPlan plan) in roots)
            {
                ApplyRoot(rootFd, plan, staging, staged, cancellationToken);
            }

            foreach ((SafeFd rootFd, RootPlan plan) in roots)
            {
                try
                {
                    Fs.SyncFileSystem(rootFd);
                }
                catch (NonoException ex)
                {
                    throw Placed(plan.Directory, "", "", ex);
                }
            }
        }
        finally
        {
            ReleaseVerified();
            Directory.Delete(stagingPath, recursive: true);
        }
    }

    /// <summary>
    /// Verifies each distinct object once, on all cores, before the tree is touched; any failure aborts.
    /// Content up to <see cref="DirectLimit"/> is checked here and kept in memory (within a budget) to
    /// be written straight into the tree; larger content is extracted into the staging area.
    /// Returns the staged objects.
    /// </summary>
    private Dictionary<string, StagedObject> Stage(SafeFd staging, IEnumerable<(RootPlan Plan, ManifestEntry File)> files, CancellationToken cancellationToken)
    {
        Dictionary<string, StagedObject> staged = new(StringComparer.Ordinal);
        Dictionary<string, (ManifestEntry File, RootPlan Plan)> direct = new(StringComparer.Ordinal); // by content; the entry names it in errors
        foreach ((RootPlan plan, ManifestEntry file) in files)
        {
            string hash = file.Hash ?? throw new NonoException(NonoErrorCode.StateCorrupt, $"manifest entry {plan.Where(file.Raw)} has no content hash");
            if (IsDirect(file))
            {
                direct.TryAdd(hash, (file, plan));
            }
            else if (staged.TryGetValue(hash, out StagedObject? existing))
            {
                existing.AddUse();
            }
            else
            {
                staged[hash] = new StagedObject(file, plan.Where(file.Raw));
            }
        }

        long done = 0;
        long bytes = 0;
        int total = staged.Count + direct.Count;
        void Done(long size)
        {
            long n = Interlocked.Increment(ref done);
            long b = Interlocked.Add(ref bytes, size);
            if ((n & 255) == 0)
            {
                _progress?.Report(new SnapshotProgress("stage", n, b, total));
            }
        }

        // Each body names the file behind a failed object; written out twice so no delegate is made per object.
        const string Refused = "refusing to restore, nothing was changed";
        ParallelWork.ForEach(direct, pair =>
        {
            try
            {
                KeepVerified(pair.Key, pair.Value.File.Size);
            }
            catch (Exception ex) when (IsObjectFailure(ex))
            {
                throw ObjectFailure(pair.Value.Plan.Where(pair.Value.File.Raw), pair.Key, ex, Refused);
            }

            Done(pair.Value.File.Size);
        }, cancellationToken);
        ParallelWork.ForEach(staged, pair =>
        {
            try
            {
                StageOne(staging, pair.Key, pair.Value);
            }
            catch (Exception ex) when (IsObjectFailure(ex))
            {
                throw ObjectFailure(pair.Value.FirstWhere, pair.Key, ex, Refused);
            }

            Done(pair.Value.Size);
        }, cancellationToken);
        return staged;
    }

    /// <summary>
    /// Writes one verified object into the private staging directory. Content used by a single entry
    /// gets that entry's owner, mode and mtime here, on the descriptor, so applying it is one rename.
    /// </summary>
    private void StageOne(SafeFd staging, string hash, StagedObject staged)
    {
        using SafeFd fd = Fs.OpenAt(staging, hash, Interop.O_WRONLY | Interop.O_CREAT | Interop.O_EXCL | Interop.O_NOFOLLOW, 0x180);
        using SafeFileHandle handle = Fs.Borrow(fd);
        _objects.ExtractVerified(hash, staged.Size, handle);
        if (staged.Sole is ManifestEntry entry)
        {
            SetMetadata(handle, entry);
            Fs.StartWriteback(handle); // it will be renamed into the tree; shared content is copied from here instead
        }
    }

    private static void SetMetadata(SafeFileHandle handle, ManifestEntry entry) =>
        Fs.SetMetadata(handle, Fs.IsRoot, entry.Uid, entry.Gid, SafeMode(entry.Mode), entry.MtimeNs);
}
