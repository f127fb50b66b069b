using System.Buffers;
using Microsoft.Win32.SafeHandles;
using Nono.Core.Snapshots.Native;

namespace Nono.Core.Snapshots;

/// <summary>
/// Walks one root through directory descriptors (getdents64 + statx, never following symlinks),
/// then reads the files that need it in parallel on all cores. A file whose inode, size, mtime and
/// ctime match the cache is not read again. With a store, content is stored as objects; without
/// one (restore planning), it is only hashed.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class TreeScanner
{
    /// <summary>Deeper trees are refused: recursion and descriptors per level must stay bounded.</summary>
    public const int MaxDepth = 256;

    private readonly ObjectStore? _store;
    private readonly ExcludeFilter _filter;
    private readonly IProgress<SnapshotProgress>? _progress;
    private readonly string? _only;
    private readonly bool _reuseUnchanged;
    private int _reused;
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
    public TreeScanner(ObjectStore? store, ExcludeFilter filter, IProgress<SnapshotProgress>? progress, string? only = null, bool reuseUnchanged = false)
    {
        _reuseUnchanged = reuseUnchanged;
        _store = store;
        _filter = filter;
        _progress = progress;
        _only = only;
    }

    /// <param name="root">Descriptor of the root directory.</param>
    /// <param name="cache">Previous entries by raw path, for unchanged-file detection.</param>
    /// <param name="wantsContent">Which files to hash when not cached; null means all.</param>
    /// <param name="cancellationToken">Stops the walk and the readers.</param>
    public ScanResult Scan(SafeFd root, IReadOnlyDictionary<string, ManifestEntry>? cache, Func<ManifestEntry, bool>? wantsContent, CancellationToken cancellationToken)
    {
        List<ManifestEntry> entries = [];
        List<SkippedEntry> skipped = [];
        List<ManifestEntry> pending = [];
        FileStatus rootStatus = Fs.Stat(root);
        if (_only is null)
        {
            ManifestEntry? old = null;
            _ = cache is not null && cache.TryGetValue("", out old);
            Add(entries, Reusable(old, rootStatus, EntryType.Directory) ? old! : NewEntry("", rootStatus, EntryType.Directory, 0), old);
        }

        Walk(root, "", 0, entries, skipped, pending, cache, wantsContent, cancellationToken);

        ParallelWork.ForEach(pending, entry => ReadFile(root, entry, pending.Count), cancellationToken);
        _progress?.Report(new SnapshotProgress("hash", _filesDone, _bytesDone, pending.Count));

        entries.RemoveAll(e => e.Vanished);
        entries.Sort((a, b) => string.CompareOrdinal(a.Raw, b.Raw));
        return new ScanResult(entries, skipped, pending.Count(e => !e.Vanished), _bytesDone) { Reused = _reused };
    }

    private void Walk(
        SafeFd dir,
        string relative,
        int depth,
        List<ManifestEntry> entries,
        List<SkippedEntry> skipped,
        List<ManifestEntry> pending,
        IReadOnlyDictionary<string, ManifestEntry>? cache,
        Func<ManifestEntry, bool>? wantsContent,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        bool single = depth == 0 && _only is not null;
        foreach (string name in single ? [_only!] : Fs.ReadDirectory(dir))
        {
            string path = RawName.Join(relative, name);
            if (!Fs.TryStatAt(dir, name, out FileStatus st, out _))
            {
                continue; // vanished between getdents and statx (or a file root that does not exist now)
            }

            if (!single && _filter.IsExcluded(path, name, st.IsDirectory))
            {
                continue;
            }

            ManifestEntry? old = null;
            _ = cache is not null && cache.TryGetValue(path, out old);
            if (st.IsDirectory)
            {
                ManifestEntry entry = Reusable(old, st, EntryType.Directory) ? old! : NewEntry(path, st, EntryType.Directory, 0);
                using SafeFd? child = Fs.TryOpenAt(dir, name, Interop.O_RDONLY | Interop.O_DIRECTORY | Interop.O_NOFOLLOW, 0, out int errno);
                if (child is null)
                {
                    // Gone or swapped for a non-directory since statx: skip. Anything else (EACCES) must not
                    // silently shrink the snapshot, or a later restore would lose what it did not see.
                    if (IsVanished(errno))
                    {
                        continue;
                    }

                    throw Fs.Error("openat", RawName.ToDisplay(path), errno);
                }

                Add(entries, entry, old);
                if (depth >= MaxDepth)
                {
                    throw new Diagnostics.NonoException(Diagnostics.NonoErrorCode.Io, $"{RawName.ToDisplay(path)} is nested deeper than {MaxDepth} directories; refusing to snapshot it", RawName.ToDisplay(path));
                }

                Walk(child, path, depth + 1, entries, skipped, pending, cache, wantsContent, cancellationToken);
            }
            else if (st.IsSymlink)
            {
                string target = Fs.ReadLinkAt(dir, name);
                ManifestEntry entry = Reusable(old, st, EntryType.Symlink) && old!.RawTarget == target && old.Size == target.Length
                    ? old
                    : NewEntry(path, st, EntryType.Symlink, target.Length, target: target);
                Add(entries, entry, old);
            }
            else if (st.IsRegular)
            {
                if (old is not null && old.Type == EntryType.File && old.HashKey is { } key
                    && old.Inode == st.Inode && old.Size == st.Size && old.MtimeNs == st.MtimeNs && old.CtimeNs == st.CtimeNs && old.CtimeNs != 0
                    && (_store is null || _store.Exists(key)))
                {
                    Add(entries, Reusable(old, st, EntryType.File) ? old : NewEntry(path, st, EntryType.File, st.Size, hash: key), old);
                    continue;
                }

                ManifestEntry entry = NewEntry(path, st, EntryType.File, st.Size);
                entries.Add(entry);
                if (wantsContent is null || wantsContent(entry))
                {
                    pending.Add(entry);
                }
            }
            else
            {
                skipped.Add(new SkippedEntry { Path = RawName.ToDisplay(path), Kind = st.KindName, Raw = path });
            }
        }

        _progress?.Report(new SnapshotProgress("scan", entries.Count, 0, 0));
    }

    private static ManifestEntry NewEntry(string path, FileStatus st, EntryType type, long size, ObjectKey? hash = null, string? target = null) => new()
    {
        Raw = path,
        Type = type,
        Size = size,
        HashKey = hash,
        RawTarget = target,
        Mode = st.Permissions,
        MtimeNs = st.MtimeNs,
        Inode = st.Inode,
        CtimeNs = st.CtimeNs,
        Uid = st.Uid,
        Gid = st.Gid,
        LinkCount = st.LinkCount,
    };

    /// <summary>
    /// Whether the previous entry already says everything this one would (every stored field, cache hints
    /// included), so a snapshot can keep the previous object; a snapshot that keeps them all is unchanged.
    /// </summary>
    private bool Reusable(ManifestEntry? old, FileStatus st, EntryType type) =>
        _reuseUnchanged && old is not null && old.Type == type
        && old.Mode == st.Permissions && old.Uid == st.Uid && old.Gid == st.Gid
        && old.MtimeNs == st.MtimeNs && old.CtimeNs == st.CtimeNs && old.Inode == st.Inode
        && type switch
        {
            EntryType.File => old.Size == st.Size && old.RawTarget is null,
            EntryType.Directory => old.Size == 0 && !old.HasHash && old.RawTarget is null,
            _ => !old.HasHash,
        };

    private void Add(List<ManifestEntry> entries, ManifestEntry entry, ManifestEntry? old)
    {
        entries.Add(entry);
        if (ReferenceEquals(entry, old))
        {
            _reused++;
        }
    }

    private void ReadFile(SafeFd root, ManifestEntry entry, int total)
    {
        using SafeFd? fd = Fs.TryOpenBeneath(root, entry.Raw, Interop.O_RDONLY | Interop.O_NONBLOCK | Interop.O_NOCTTY | Interop.O_NOFOLLOW, out int errno);
        if (fd is null)
        {
            if (!IsVanished(errno))
            {
                throw Fs.Error("open", RawName.ToDisplay(entry.Raw), errno);
            }

            entry.Vanished = true;
            return;
        }

        FileStatus before = Fs.Stat(fd);
        if (!before.IsRegular)
        {
            entry.Vanished = true; // swapped for a FIFO, device or directory: never read it
            return;
        }

        using SafeFileHandle handle = new(fd.DangerousGetHandle(), ownsHandle: false);
        (string hash, long size) = before.Size <= ObjectStore.SmallFileLimit ? ReadSmall(handle, before.Size) : ReadLarge(handle);
        FileStatus after = Fs.Stat(fd);
        entry.Hash = hash;
        entry.Size = size;
        entry.Mode = after.Permissions;
        entry.Inode = after.Inode;
        entry.MtimeNs = after.MtimeNs;

        // A file written while being read gets ctime 0, so the next snapshot reads it again.
        entry.CtimeNs = after.MtimeNs == before.MtimeNs && after.CtimeNs == before.CtimeNs && after.Size == size ? after.CtimeNs : 0;

        long files = Interlocked.Increment(ref _filesDone);
        long bytes = Interlocked.Add(ref _bytesDone, size);
        if ((files & 255) == 0)
        {
            _progress?.Report(new SnapshotProgress("hash", files, bytes, total));
        }
    }

    private (string Hash, long Size) ReadSmall(SafeFileHandle handle, long expected)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent((int)expected + 1);
        try
        {
            int length = 0;
            int n;
            while (length < buffer.Length && (n = RandomAccess.Read(handle, buffer.AsSpan(length), length)) > 0)
            {
                length += n;
            }

            if (length == buffer.Length)
            {
                return ReadLarge(handle); // grew while we read it
            }

            ReadOnlySpan<byte> content = buffer.AsSpan(0, length);
            string hash = _store is not null ? _store.PutBytes(content) : Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content));
            return (hash, length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private (string Hash, long Size) ReadLarge(SafeFileHandle handle)
    {
        if (_store is not null)
        {
            return _store.PutStream(handle);
        }

        using System.Security.Cryptography.IncrementalHash sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(1024 * 1024);
        try
        {
            long offset = 0;
            int n;
            while ((n = RandomAccess.Read(handle, buffer, offset)) > 0)
            {
                sha.AppendData(buffer, 0, n);
                offset += n;
            }

            return (Convert.ToHexStringLower(sha.GetHashAndReset()), offset);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The entry disappeared or a path component became a symlink or non-directory during the scan.</summary>
    private static bool IsVanished(int errno) =>
        errno is (int)Interop.Errno.ENOENT or (int)Interop.Errno.ELOOP or (int)Interop.Errno.ENOTDIR or (int)Interop.Errno.EXDEV;
}
