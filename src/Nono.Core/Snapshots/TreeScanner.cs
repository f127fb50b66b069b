using System.Buffers;
using Nono.Core.Snapshots.Native;

namespace Nono.Core.Snapshots;

/// <summary>
/// Walks one root through directory descriptors (getdents64 + statx, never following symlinks),
/// then reads the files that need it in parallel on all cores. A file whose inode, size, mtime and
/// ctime match the cache is not read again. With a store, content is stored as objects; without
/// one (restore planning), it is only hashed.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed partial class TreeScanner
{
    /// <summary>Deeper trees are refused: recursion and descriptors per level must stay bounded.</summary>
    public const int MaxDepth = 256;

    /// <summary>Sibling subdirectories down to this depth are walked on all cores (each walker holds one descriptor per level).</summary>
    private const int ParallelWalkDepth = 8;

    private static readonly Dictionary<string, ManifestEntry> s_noCache = new(StringComparer.Ordinal);

    private readonly ObjectStore? _store;
    private readonly ExcludeFilter _filter;
    private readonly IProgress<SnapshotProgress>? _progress;
    private readonly string? _only;
    private readonly bool _reuseUnchanged;
    private readonly string? _fingerprintRoot;
    private long _scanned;
    private long _filesDone;
    private long _bytesDone;

    /// <param name="store">Where content goes; null to only hash it.</param>
    /// <param name="filter">Excluded paths.</param>
    /// <param name="progress">Progress sink.</param>
    /// <param name="only">
    /// For a file root: the one raw name of the root directory to track (never excluded); the
    /// directory itself and its other entries are not part of the result.
    /// </param>
    /// <param name="reuseUnchanged">
    /// Put the cache's own entry into the result when nothing recorded about it changed (snapshots only:
    /// a restore plan needs the live link count, which manifests do not hold).
    /// </param>
    /// <param name="fingerprintRoot">When set, each excluded path gets a metadata digest (<see cref="ScanResult.Excluded"/>) naming this root.</param>
    public TreeScanner(ObjectStore? store, ExcludeFilter filter, IProgress<SnapshotProgress>? progress, string? only = null, bool reuseUnchanged = false, string? fingerprintRoot = null)
    {
        _reuseUnchanged = reuseUnchanged;
        _fingerprintRoot = fingerprintRoot;
        _store = store;
        _filter = filter;
        _progress = progress;
        _only = only;
    }

    /// <param name="root">Descriptor of the root directory.</param>
    /// <param name="cache">Previous entries by raw path, for unchanged-file detection.</param>
    /// <param name="wantsContent">Which files to hash when not cached; null means all.</param>
    /// <param name="cancellationToken">Stops the walk and the readers.</param>
    public ScanResult Scan(SafeFd root, Dictionary<string, ManifestEntry>? cache, Func<ManifestEntry, bool>? wantsContent, CancellationToken cancellationToken)
    {
        WalkLists lists = new();
        FileStatus rootStatus = Fs.Stat(root);
        if (_only is null)
        {
            ManifestEntry? old = null;
            _ = cache is not null && cache.TryGetValue("", out old);
            lists.Add(Reusable(old, rootStatus, EntryType.Directory) ? old! : NewEntry("", rootStatus, EntryType.Directory, 0), old);
        }

        Walk(root, "", 0, lists, cache, wantsContent, cancellationToken);
        List<ManifestEntry> entries = lists.Entries;
        List<ManifestEntry> pending = lists.Pending;

        ParallelWork.ForEach(pending, entry => ReadFile(root, entry, pending.Count), cancellationToken);
        _progress?.Report(new SnapshotProgress("hash", _filesDone, _bytesDone, pending.Count));

        entries.RemoveAll(e => e.Vanished);
        entries.Sort((a, b) => string.CompareOrdinal(a.Raw, b.Raw));
        lists.Skipped.Sort((a, b) => string.CompareOrdinal(a.Raw, b.Raw));
        lists.Excluded.Sort((a, b) => string.CompareOrdinal(a.Raw, b.Raw));
        return new ScanResult(entries, lists.Skipped, pending.Count(e => !e.Vanished), _bytesDone) { Reused = lists.Reused, Excluded = lists.Excluded };
    }

    private void Walk(SafeFd dir, string relative, int depth, WalkLists lists, Dictionary<string, ManifestEntry>? cache, Func<ManifestEntry, bool>? wantsContent, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        bool single = depth == 0 && _only is not null;
        List<(string Name, ManifestEntry Entry, ulong Inode)>? subdirectories = null;
        int before = lists.Entries.Count;

        // The previous entry is found by a path built in a reused buffer; its own path string is then
        // used, so an entry seen before costs no new string (names are at most 255 bytes).
        char[] pathBuffer = ArrayPool<char>.Shared.Rent(relative.Length + 1 + 256);
        Dictionary<string, ManifestEntry>.AlternateLookup<ReadOnlySpan<char>> lookup = (cache ?? s_noCache).GetAlternateLookup<ReadOnlySpan<char>>();
        relative.CopyTo(pathBuffer);
        int prefix = relative.Length == 0 ? 0 : relative.Length + 1;
        if (prefix > 0)
        {
            pathBuffer[relative.Length] = '/';
        }

        try
        {
            foreach (string name in single ? [_only!] : Fs.ReadDirectory(dir))
            {
                if (!Fs.TryStatAt(dir, name, out FileStatus st, out _))
                {
                    continue; // vanished between getdents and statx (or a file root that does not exist now)
                }

                name.CopyTo(pathBuffer.AsSpan(prefix));
                _ = lookup.TryGetValue(pathBuffer.AsSpan(0, prefix + name.Length), out ManifestEntry? old);
                string path = old?.Raw ?? RawName.Join(relative, name);
                if (!single && _filter.IsExcluded(path, name, st.IsDirectory))
                {
                    if (_fingerprintRoot is not null)
                    {
                        lists.Excluded.Add(FingerprintExcluded(dir, name, path, st, _fingerprintRoot));
                    }

                    continue;
                }

                AddEntry(dir, name, path, st, old, lists, ref subdirectories, wantsContent);
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(pathBuffer);
        }

        long scanned = Interlocked.Add(ref _scanned, lists.Entries.Count - before);
        _progress?.Report(new SnapshotProgress("scan", scanned, 0, 0));
        if (subdirectories is null)
        {
            return;
        }

        if (depth < ParallelWalkDepth && subdirectories.Count > 1)
        {
            ParallelWork.ForEach(subdirectories, sub =>
            {
                WalkLists own = new();
                WalkChild(dir, sub.Name, sub.Entry, sub.Inode, depth, own, cache, wantsContent, cancellationToken);
                lists.MergeFrom(own);
            }, cancellationToken);
            return;
        }

        foreach ((string name, ManifestEntry entry, ulong inode) in subdirectories)
        {
            WalkChild(dir, name, entry, inode, depth, lists, cache, wantsContent, cancellationToken);
        }
    }

    /// <summary>
    /// Opens a subdirectory found by <see cref="Walk"/> (no symlink followed) and walks it. One swapped for
    /// something else since its statx (another inode, a symlink, gone) is dropped like a vanished entry.
    /// </summary>
    private void WalkChild(SafeFd dir, string name, ManifestEntry entry, ulong inode, int depth, WalkLists lists, Dictionary<string, ManifestEntry>? cache, Func<ManifestEntry, bool>? wantsContent, CancellationToken cancellationToken)
    {
        using SafeFd? child = Fs.TryOpenAt(dir, name, Interop.O_RDONLY | Interop.O_DIRECTORY | Interop.O_NOFOLLOW, 0, out int errno);
        if (child is null || Fs.Stat(child).Inode != inode)
        {
            // Gone or swapped since statx: skip. Anything else (EACCES) must not silently shrink the
            // snapshot, or a later restore would lose what it did not see.
            if (child is not null || IsVanished(errno))
            {
                entry.Vanished = true;
                return;
            }

            throw Fs.Error("openat", RawName.ToDisplay(entry.Raw), errno);
        }

        if (depth >= MaxDepth)
        {
            throw new Diagnostics.NonoException(Diagnostics.NonoErrorCode.Io, $"{RawName.ToDisplay(entry.Raw)} is nested deeper than {MaxDepth} directories; refusing to snapshot it", RawName.ToDisplay(entry.Raw));
        }

        Walk(child, entry.Raw, depth + 1, lists, cache, wantsContent, cancellationToken);
    }
}
