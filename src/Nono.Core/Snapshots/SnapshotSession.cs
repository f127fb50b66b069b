using System.Runtime.Versioning;
using Nono.Core.Diagnostics;
using Nono.Core.Snapshots.Native;

namespace Nono.Core.Snapshots;

/// <summary>
/// One rollback session: a set of tracked roots and the numbered snapshots taken of them.
/// Snapshot 0 is the baseline taken before the sandboxed child starts.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed partial class SnapshotSession
{
    private readonly string _directory;

    internal SnapshotSession(SnapshotStore store, string directory, SessionInfo info)
    {
        Store = store;
        _directory = directory;
        Info = info;
    }

    /// <summary>The store this session lives in.</summary>
    public SnapshotStore Store { get; }

    /// <summary>The session's index as last written.</summary>
    public SessionInfo Info { get; private set; }

    /// <summary>The session id.</summary>
    public string Id => Info.Id;

    /// <summary>
    /// Starts a new session over <paramref name="roots"/> (existing directories or regular files;
    /// canonicalized, must not nest in each other or contain the store). All problems are reported at once.
    /// </summary>
    public static SnapshotSession Begin(SnapshotStore store, string sessionId, IReadOnlyList<string> roots, SnapshotOptions options)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(roots);
        ArgumentNullException.ThrowIfNull(options);
        string dir = store.SessionDirectory(sessionId);
        List<string> problems = [];
        List<string> canonical = [];
        List<string> fileRoots = [];
        if (Directory.Exists(dir))
        {
            problems.Add($"rollback session '{sessionId}' already exists");
        }

        if (roots.Count == 0)
        {
            problems.Add("no roots to snapshot");
        }

        if (options.CompressionLevel is < 1 or > 19)
        {
            problems.Add($"compression level {options.CompressionLevel} is outside 1..19");
        }

        foreach (string root in roots)
        {
            string? real = Path.IsPathFullyQualified(root) ? Fs.RealPath(root) : null;
            bool isFile = real is not null && IsRegularFile(real);
            if (real is null || !(isFile || Directory.Exists(real)))
            {
                problems.Add($"snapshot root '{root}' is not an existing absolute directory or regular file");
                continue;
            }

            if (isFile)
            {
                fileRoots.Add(real);
            }

            if (PathContains(real, store.StateRoot) || PathContains(store.StateRoot, real))
            {
                problems.Add($"snapshot root '{root}' overlaps the snapshot store '{store.StateRoot}'");
            }

            foreach (string other in canonical)
            {
                if (PathContains(other, real) || PathContains(real, other))
                {
                    problems.Add($"snapshot roots '{other}' and '{real}' overlap");
                }
            }

            canonical.Add(real);
        }

        if (problems.Count > 0)
        {
            throw new NonoException(NonoErrorCode.InvalidPolicy, string.Join("; ", problems));
        }

        ObjectStore.CreatePrivateDirectory(dir);
        SessionInfo info = new() { Id = sessionId, CreatedAt = store.Time.GetUtcNow(), Roots = canonical, FileRoots = fileRoots, Options = options };
        StateFiles.WriteSession(Path.Combine(dir, "session.json"), info);
        return new SnapshotSession(store, dir, info);
    }

    /// <summary>
    /// Snapshots every root: unchanged files (same inode, size, mtime, ctime as the previous
    /// snapshot) are not read; others are hashed and stored on all cores. Objects are flushed
    /// (syncfs) before the manifest and the index are written atomically.
    /// </summary>
    public Task<SnapshotInfo> TakeSnapshotAsync(string? label = null, IProgress<SnapshotProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Task.Run(() => TakeSnapshot(label, progress, cancellationToken), cancellationToken);

    /// <summary>Loads the manifest of snapshot <paramref name="index"/>.</summary>
    internal Manifest LoadManifest(int index)
    {
        if (index < 0 || index >= Info.Snapshots.Count)
        {
            throw new NonoException(NonoErrorCode.InvalidPolicy, $"session '{Id}' has no snapshot {index} (it has {Info.Snapshots.Count})");
        }

        Manifest manifest = StateFiles.ReadManifest(ManifestPath(index));
        if (manifest.Session != Id || manifest.Index != index || manifest.Roots.Count != Info.Roots.Count)
        {
            throw new NonoException(NonoErrorCode.StateCorrupt, $"snapshot manifest {ManifestPath(index)} does not belong to session '{Id}' snapshot {index}");
        }

        return manifest;
    }

    /// <summary>Exclusive per-session lock: one snapshot or restore of a session at a time.</summary>
    internal SafeFd LockSession()
    {
        return Fs.LockFile(_directory, exclusive: true);
    }

    internal string ManifestPath(int index) => Path.Combine(_directory, index.ToString("D6", System.Globalization.CultureInfo.InvariantCulture) + ".manifest.zst");

    internal static bool PathContains(string parent, string child)
    {
        string[] p = parent.Split('/', StringSplitOptions.RemoveEmptyEntries);
        string[] c = child.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return p.Length <= c.Length && p.SequenceEqual(c.Take(p.Length), StringComparer.Ordinal);
    }

    private SnapshotInfo TakeSnapshot(string? label, IProgress<SnapshotProgress>? progress, CancellationToken cancellationToken)
    {
        using SafeFd storeLock = Store.Lock(exclusive: false);
        using SafeFd sessionLock = LockSession();
        Info = StateFiles.ReadSession(Path.Combine(_directory, "session.json")) with { Options = Info.Options }; // another process may have added a snapshot
        using ObjectStore objects = Store.Objects(Info.Options.CompressionLevel, Info.Options.PackSmallObjects);
        ExcludeFilter filter = new(Info.Options);
        Manifest? previous = FindCacheManifest();

        // File timestamps come from the kernel's coarse clock, not the injected TimeProvider.
        long racyAfterNs = (TimeProvider.System.GetUtcNow() - Info.Options.RacyWindow - DateTimeOffset.UnixEpoch).Ticks * 100;
        int index = Info.Snapshots.Count;
        Manifest manifest = new() { Session = Id, Index = index, CreatedAt = Store.Time.GetUtcNow() };
        int filesRead = 0;
        long bytesRead = 0;
        bool unchanged = previous?.Body is not null;
        List<ExcludedTree> excluded = [];
        long latestExcludedCtimeNs = 0;
        for (int r = 0; r < Info.Roots.Count; r++)
        {
            (string directory, string? only) = RootLocation(r);
            using SafeFd rootFd = Fs.OpenDirectory(directory);
            Dictionary<string, ManifestEntry>? cache = previous?.Roots[r].Entries.ToDictionary(e => e.Raw, StringComparer.Ordinal);
            TreeScanner scanner = new(objects, filter, progress, only, reuseUnchanged: true, fingerprintRoot: Info.Roots[r]);
            ScanResult scan = scanner.Scan(rootFd, cache, null, cancellationToken);
            excluded.AddRange(scan.Excluded);
            latestExcludedCtimeNs = Math.Max(latestExcludedCtimeNs, scanner.LatestExcludedCtimeNs);
            int marked = MarkRacilyClean(scan.Entries, racyAfterNs);

            // Every entry is the previous manifest's own (same path set, every field equal): the stored
            // entries frame of the previous manifest holds exactly these bytes, so it is written again as is.
            unchanged = unchanged && marked == 0 && scan.Reused == scan.Entries.Count && scan.Entries.Count == previous!.Roots[r].Entries.Count
                && previous.Roots[r].Root == Info.Roots[r];
            manifest.Roots.Add(new ManifestRoot { Root = Info.Roots[r], Entries = scan.Entries, Skipped = scan.Skipped });
            filesRead += scan.FilesRead;
            bytesRead += scan.BytesRead;
        }

        manifest.MerkleRoot = MerkleTree.ComputeRoot(manifest);
        objects.Flush();
        if (objects.ObjectsWritten > 0)
        {
            // New objects must be durable before a manifest may reference them; one syncfs instead of an fsync each.
            using SafeFd objectsFd = Fs.OpenDirectory(objects.Directory);
            Fs.SyncFileSystem(objectsFd);
        }

        StateFiles.WriteManifest(ManifestPath(index), manifest, unchanged ? previous!.Body : null);
        SnapshotInfo info = Summarize(manifest, label, filesRead, bytesRead) with { Excluded = excluded };
        WaitPastTimestampTick(latestExcludedCtimeNs);
        Info = Info with { Snapshots = [.. Info.Snapshots, info] };
        StateFiles.WriteSession(Path.Combine(_directory, "session.json"), Info);
        return info;
    }

    /// <summary>
    /// A file changed in the same clock tick as (or just before) the scan may change again without
    /// its mtime or ctime moving (git's "racily clean" problem). Such entries get ctime 0 in the
    /// manifest, so the next snapshot reads them again instead of trusting the cache.
    /// </summary>
    /// <returns>How many entries were marked.</returns>
    internal static int MarkRacilyClean(List<ManifestEntry> entries, long racyAfterNs)
    {
        int marked = 0;
        foreach (ManifestEntry entry in entries)
        {
            if (entry.Type == EntryType.File && entry.CtimeNs != 0 && (entry.CtimeNs >= racyAfterNs || entry.MtimeNs >= racyAfterNs))
            {
                entry.CtimeNs = 0;
                marked++;
            }
        }

        return marked;
    }

    private static SnapshotInfo Summarize(Manifest manifest, string? label, int filesRead, long bytesRead)
    {
        int files = 0, directories = 0, symlinks = 0;
        long totalBytes = 0;
        foreach (ManifestEntry entry in manifest.Roots.SelectMany(root => root.Entries))
        {
            switch (entry.Type)
            {
                case EntryType.File:
                    files++;
                    totalBytes += entry.Size;
                    break;
                case EntryType.Directory:
                    directories++;
                    break;
                default:
                    symlinks++;
                    break;
            }
        }

        return new SnapshotInfo
        {
            Index = manifest.Index,
            CreatedAt = manifest.CreatedAt,
            Label = label,
            MerkleRoot = manifest.MerkleRoot,
            Files = files,
            Directories = directories,
            Symlinks = symlinks,
            Skipped = manifest.Roots.Sum(root => root.Skipped.Count),
            TotalBytes = totalBytes,
            FilesRead = filesRead,
            BytesRead = bytesRead,
        };
    }

    /// <summary>The previous snapshot of this session, or the last one of the newest other session over the same roots.</summary>
    private Manifest? FindCacheManifest()
    {
        if (Info.Snapshots.Count > 0)
        {
            return LoadManifest(Info.Snapshots.Count - 1);
        }

        SessionInfo? donor = Store.ListSessions()
            .LastOrDefault(s => s.Id != Id && s.Snapshots.Count > 0 && s.Roots.SequenceEqual(Info.Roots, StringComparer.Ordinal));
        if (donor is null)
        {
            return null;
        }

        try
        {
            return Store.OpenSession(donor.Id).LoadManifest(donor.Snapshots.Count - 1);
        }
        catch (NonoException)
        {
            return null; // a damaged donor only costs the cache, never correctness
        }
    }
}
