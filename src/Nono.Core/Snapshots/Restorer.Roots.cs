using Nono.Core.Diagnostics;
using Nono.Core.Snapshots.Native;

namespace Nono.Core.Snapshots;

internal sealed partial class Restorer
{
    /// <summary>The root's descriptor, or an invalid descriptor when nothing is at its path (the plan is then made from an empty scan).</summary>
    private static SafeFd OpenRoot(string root) => Exists(root) ? Fs.OpenDirectory(root) : new SafeFd(-1);

    /// <summary>Whether anything (a dangling symlink too) is at the absolute path.</summary>
    private static bool Exists(string path) => Directory.Exists(path) || File.Exists(path) || new FileInfo(path).LinkTarget is not null;

    /// <summary>
    /// Checks, after the verify and before the tree is touched, that every root is still what the plan was made from,
    /// and creates the roots that were missing. The tree's last writer may still be running (a daemon the sandboxed
    /// command left behind): a root present at plan time may since have been moved away and replaced (the restore would
    /// write into the moved directory and report success), and a root that was missing, and so planned from an empty
    /// scan, may since have been created and filled (the plan deletes nothing, so whatever was put there would stay
    /// and the restore would report success). Both are refused with nothing changed; a rerun plans from what is there.
    /// </summary>
    private static void CheckRoots(List<(SafeFd Fd, RootPlan Plan)> roots, Action? beforeTakeBack)
    {
        foreach ((SafeFd fd, RootPlan plan) in roots)
        {
            if (fd.IsInvalid ? Exists(plan.Directory) : !IsAt(fd, plan.Directory))
            {
                throw ChangedSincePlan(plan.Directory, fd.IsInvalid);
            }
        }

        List<MadeDirectory> made = []; // what this restore created, outermost first, so a refusal can take it back
        try
        {
            for (int r = 0; r < roots.Count; r++)
            {
                if (roots[r].Fd.IsInvalid)
                {
                    roots[r].Fd.Dispose();
                    roots[r] = (CreateRoot(roots[r].Plan.Directory, made), roots[r].Plan);
                }
            }
        }
        catch (Exception ex) when (made.Count > 0 && ex is NonoException or IOException or UnauthorizedAccessException)
        {
            beforeTakeBack?.Invoke();
            for (int i = made.Count - 1; i >= 0; i--)
            {
                _ = made[i].TryTakeBack(); // not empty, or not the directory made any more: it stays (its parents then stay too), the refusal below says what happened
            }

            throw;
        }
        finally
        {
            made.ForEach(m => m.Dispose());
        }
    }

    /// <summary>Whether <paramref name="path"/> (not following a symlink at its end) is still the directory <paramref name="fd"/> holds.</summary>
    private static bool IsAt(SafeFd fd, string path)
    {
        if (Path.GetDirectoryName(path) is not { } parentPath)
        {
            return true; // "/" is not replaced by a process
        }

        FileStatus held = Fs.Stat(fd);
        SafeFd parent;
        try
        {
            parent = Fs.OpenDirectory(parentPath);
        }
        catch (NonoException)
        {
            return false;
        }

        using (parent)
        {
            return Fs.TryStatAt(parent, RawName.FromString(Path.GetFileName(path)), out FileStatus now, out _)
                && now.IsDirectory && now.Device == held.Device && now.Inode == held.Inode;
        }
    }

    /// <summary>
    /// Creates a root that was missing at plan time with an exclusive mkdir (its missing parents, which the caller
    /// chose, each with mkdirat in the one before) and opens it without following a symlink. It must be empty and ours
    /// when opened: otherwise someone replaced it between the mkdir and the open.
    /// </summary>
    private static SafeFd CreateRoot(string root, List<MadeDirectory> made)
    {
        List<string> missingParents = [];
        string existing = Path.GetDirectoryName(root) ?? "/";
        for (; !Exists(existing) && Path.GetDirectoryName(existing) is { } up; existing = up)
        {
            missingParents.Insert(0, existing);
        }

        SafeFd parent = Fs.OpenDirectory(existing, followLast: missingParents.Count > 0); // a symlinked ancestor the caller chose is followed, as Directory.CreateDirectory did; the root's own parent is not
        try
        {
            foreach (string missing in missingParents)
            {
                SafeFd next = MakeParent(parent, missing, made);
                parent.Dispose();
                parent = next;
            }

            return MakeRoot(parent, root, made);
        }
        finally
        {
            parent.Dispose();
        }
    }

    /// <summary>
    /// A missing parent of a root, made in <paramref name="parent"/> and opened without following a symlink. One that
    /// another process made meanwhile is used as <see cref="Directory.CreateDirectory(string)"/> used it, but not
    /// recorded as ours, so a refusal never removes it.
    /// </summary>
    private static SafeFd MakeParent(SafeFd parent, string path, List<MadeDirectory> made)
    {
        string name = RawName.FromString(Path.GetFileName(path));
        int errno = Fs.TryMkdirAt(parent, name, 0x1FF); // 0777 less the umask, as Directory.CreateDirectory
        if (errno is not 0 and not (int)Interop.Errno.EEXIST)
        {
            throw Fs.Error("mkdirat", path, errno);
        }

        SafeFd fd = Fs.TryOpenAt(parent, name, Interop.O_RDONLY | Interop.O_DIRECTORY | Interop.O_NOFOLLOW, 0, out int openErrno) ?? throw Fs.Error("openat", path, openErrno);
        FileStatus opened = Fs.Stat(fd);
        if (errno == 0 && opened.Uid == Interop.Libc.geteuid())
        {
            made.Add(new MadeDirectory(path, Fs.OpenAt(parent, ".", Interop.O_PATH | Interop.O_DIRECTORY), name, opened));
        }

        return fd;
    }

    /// <summary>The root itself: made exclusively (or by an earlier root of this restore) and, when opened, empty but for what this restore made in it, and ours.</summary>
    private static SafeFd MakeRoot(SafeFd parent, string root, List<MadeDirectory> made)
    {
        string name = RawName.FromString(Path.GetFileName(root));
        int errno = Fs.TryMkdirAt(parent, name, 0x1FF); // as Directory.CreateDirectory: 0777 less the umask; a directory root's own mode is restored later
        MadeDirectory? earlier = errno == (int)Interop.Errno.EEXIST ? made.Find(m => string.Equals(m.Path, root, StringComparison.Ordinal)) : null; // an earlier root of this restore made it (as its root or a parent)
        if (errno == (int)Interop.Errno.EEXIST && earlier is null)
        {
            throw ChangedSincePlan(root, missingAtPlan: true);
        }

        if (errno is not 0 and not (int)Interop.Errno.EEXIST)
        {
            throw Fs.Error("mkdirat", root, errno);
        }

        SafeFd? fd = Fs.TryOpenAt(parent, name, Interop.O_RDONLY | Interop.O_DIRECTORY | Interop.O_NOFOLLOW, 0, out _);
        FileStatus opened = fd is null ? default : Fs.Stat(fd);
        if (fd is null || !HoldsOnlyWhatWeMade(fd, root, made) || opened.Uid != Interop.Libc.geteuid() || (earlier is not null && !earlier.Is(opened)))
        {
            fd?.Dispose();
            throw ChangedSincePlan(root, missingAtPlan: true); // replaced between the mkdir and the open: not recorded, so never taken back
        }

        if (earlier is null)
        {
            made.Add(new MadeDirectory(root, Fs.OpenAt(parent, ".", Interop.O_PATH | Interop.O_DIRECTORY), name, opened));
        }

        return fd;
    }

    /// <summary>
    /// Whether the directory just created (or made earlier by this restore) holds nothing but the directories this
    /// restore made inside it (an earlier root's directory or missing parent): anything else was put there by another process.
    /// </summary>
    private static bool HoldsOnlyWhatWeMade(SafeFd fd, string root, List<MadeDirectory> made)
    {
        HashSet<string> ourChildren = new(
            made.Where(m => string.Equals(Path.GetDirectoryName(m.Path), root, StringComparison.Ordinal)).Select(m => RawName.FromString(Path.GetFileName(m.Path))),
            StringComparer.Ordinal);
        return Fs.ReadDirectory(fd).All(ourChildren.Contains);
    }

    private static NonoException ChangedSincePlan(string root, bool missingAtPlan) => new(
        NonoErrorCode.Io,
        missingAtPlan
            ? $"the root {root} was missing when the restore was planned and has been created since (by another process); refusing to restore, nothing was changed; run the restore again"
            : $"the root {root} was moved or replaced after the restore was planned (by another process); refusing to restore, nothing was changed; run the restore again",
        root);
}
