using Microsoft.Win32.SafeHandles;
using Nono.Core.Diagnostics;
using Nono.Core.Snapshots.Native;

namespace Nono.Core.Snapshots;

internal sealed partial class Restorer
{
    private static readonly int s_dirFlags = Interop.O_RDONLY | Interop.O_DIRECTORY;

    /// <summary>
    /// Applies one root's plan. The phases keep the order a single thread would need: removals, then
    /// directories level by level (a parent exists before its children are made), then files and
    /// symlinks (their parents all exist), then modes, and directory modes and times last, deepest level
    /// first (writing inside a directory changes its mtime, and a read-only parent must stay writable
    /// until its children are done). Removals and metadata run on all cores; what creates an inode runs
    /// on one thread per core, each in its own directories (see <see cref="CreateEntries"/>).
    /// </summary>
    private void ApplyRoot(SafeFd root, RootPlan plan, SafeFd staging, Dictionary<string, StagedObject> staged, CancellationToken cancellationToken)
    {
        _applying = NameRoots ? plan.Directory : null;
        ParallelWork.ForEach(plan.Deletes, path =>
        {
            (string parent, string name) = RawName.Split(path);
            try
            {
                using SafeFd dir = OpenParent(root, plan, parent);
                Fs.RemoveTree(dir, name);
            }
            catch (Exception ex) when (Unplaced(ex))
            {
                throw Placed(plan.Directory, parent, path, ex);
            }

            Tick();
        }, cancellationToken);

        CreateEntries(root, plan, staging, staged, cancellationToken);

        ParallelWork.ForEach(plan.FileModes, entry =>
        {
            SetMetadata(root, plan, entry, expectDirectory: false);
            Tick();
        }, cancellationToken);

        foreach (List<ManifestEntry> level in ByDepth(plan.Directories, deepestFirst: true))
        {
            ParallelWork.ForEach(level, entry => SetMetadata(root, plan, entry, expectDirectory: true), cancellationToken);
        }

        _progress?.Report(new SnapshotProgress("apply", Interlocked.Read(ref _steps), Interlocked.Read(ref _bytesWritten), _totalSteps, _applying));
    }

    /// <summary>
    /// Runs <paramref name="body"/> for entries of the sorted list in order on this thread; siblings share
    /// one parent descriptor (opened beneath the root without following symlinks) instead of one openat2 per entry.
    /// A failure names the entry's absolute path.
    /// </summary>
    private void ForEachInParent(SafeFd root, RootPlan plan, List<ManifestEntry> entries, Action<SafeFd, string, ManifestEntry> body, CancellationToken cancellationToken)
    {
        string? openParent = null;
        SafeFd? dir = null;
        try
        {
            foreach (ManifestEntry entry in entries)
            {
                cancellationToken.ThrowIfCancellationRequested();
                (string parent, string name) = RawName.Split(entry.Raw);
                if (dir is null || !string.Equals(parent, openParent, StringComparison.Ordinal))
                {
                    dir?.Dispose();
                    dir = null;
                    dir = OpenParent(root, plan, parent);
                    openParent = parent;
                }

                try
                {
                    body(dir, name, entry);
                }
                catch (Exception ex) when (Unplaced(ex))
                {
                    throw Placed(plan.Directory, parent, entry.Raw, ex);
                }

                Tick();
            }
        }
        finally
        {
            dir?.Dispose();
        }
    }

    private void Tick()
    {
        long step = Interlocked.Increment(ref _steps);
        if ((step & 127) == 0)
        {
            _progress?.Report(new SnapshotProgress("apply", step, Interlocked.Read(ref _bytesWritten), _totalSteps, _applying));
        }
    }

    private static IEnumerable<List<ManifestEntry>> ByDepth(IEnumerable<ManifestEntry> entries, bool deepestFirst)
    {
        IEnumerable<IGrouping<int, ManifestEntry>> levels = entries.GroupBy(e => e.Raw.Length == 0 ? 0 : e.Raw.Count(c => c == '/') + 1);
        return (deepestFirst ? levels.OrderByDescending(g => g.Key) : levels.OrderBy(g => g.Key)).Select(g => g.ToList());
    }

    /// <summary>Makes directory <paramref name="name"/> in <paramref name="dir"/>; anything else in its place is removed first, an existing directory is kept.</summary>
    private static void MakeDirectory(SafeFd dir, string name)
    {
        int errno = Fs.TryMkdirAt(dir, name, 0x1C0);
        if (errno == (int)Interop.Errno.EEXIST && !(Fs.TryStatAt(dir, name, out FileStatus st, out _) && st.IsDirectory))
        {
            Fs.RemoveTree(dir, name);
            errno = Fs.TryMkdirAt(dir, name, 0x1C0);
        }

        if (errno is not (0 or (int)Interop.Errno.EEXIST))
        {
            throw Fs.Error("mkdirat", RawName.ToDisplay(name), errno);
        }
    }

    /// <summary>
    /// Content used once was staged with its final metadata: it is renamed straight over the name.
    /// Shared content, or a store on another file system, is copied into a temp file next to the
    /// name, given its metadata through the descriptor, and renamed over it.
    /// </summary>
    private void PlaceFile(SafeFd dir, string name, ManifestEntry entry, SafeFd staging, StagedObject staged)
    {
        string hash = entry.Hash!; // checked in Stage
        if (staged.Sole is not null)
        {
            int errno = TryReplace(staging, hash, dir, name);
            if (errno == 0)
            {
                Interlocked.Add(ref _bytesWritten, entry.Size);
                return;
            }

            if (errno != (int)Interop.Errno.EXDEV)
            {
                throw Fs.Error("renameat", RawName.ToDisplay(name), errno); // Placed joins it to the parent's path
            }
        }

        string temp = TempName();
        SafeFd? stagedFile = Fs.TryOpenAt(staging, hash, Interop.O_RDONLY | Interop.O_NOFOLLOW, 0, out int openErrno);
        if (stagedFile is null)
        {
            throw Fs.Error("openat", Path.Join(StagingPath, hash), openErrno); // the staging area's file, not a path in the tree
        }

        using (SafeFd source = stagedFile)
        using (SafeFd target = Fs.OpenAt(dir, temp, Interop.O_WRONLY | Interop.O_CREAT | Interop.O_EXCL | Interop.O_NOFOLLOW, 0x180))
        {
            try
            {
                using SafeFileHandle from = Fs.Borrow(source);
                using SafeFileHandle to = Fs.Borrow(target);
                CopyContent(from, to);
                SetMetadata(to, entry);
                Fs.StartWriteback(to);
            }
            catch
            {
                _ = Fs.TryUnlinkAt(dir, temp, directory: false);
                throw;
            }
        }

        Interlocked.Add(ref _bytesWritten, entry.Size);
        ReplaceWith(dir, temp, name);
    }

    private static void CopyContent(SafeFileHandle from, SafeFileHandle to)
    {
        byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(1024 * 1024);
        try
        {
            long offset = 0;
            int n;
            while ((n = RandomAccess.Read(from, buffer, offset)) > 0)
            {
                RandomAccess.Write(to, buffer.AsSpan(0, n), offset);
                offset += n;
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
