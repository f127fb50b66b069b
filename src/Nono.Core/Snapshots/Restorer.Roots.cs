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
    private static void CheckRoots(List<(SafeFd Fd, RootPlan Plan)> roots)
    {
        foreach ((SafeFd fd, RootPlan plan) in roots)
        {
            if (fd.IsInvalid ? Exists(plan.Directory) : !IsAt(fd, plan.Directory))
            {
                throw ChangedSincePlan(plan.Directory, fd.IsInvalid);
            }
        }

        List<string> made = []; // what this restore created, outermost first, so a refusal can take it back
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
            for (int i = made.Count - 1; i >= 0; i--)
            {
                try
                {
                    Directory.Delete(made[i], recursive: false); // rmdir by path: an empty directory only (a symlink put at the path is unlinked, and a path component swapped for a symlink is followed)
                }
                catch (Exception removal) when (removal is IOException or UnauthorizedAccessException)
                {
                    continue; // not empty or not ours any more: leave it (its parents then stay too), the refusal below says what happened
                }
            }

            throw;
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
    /// chose, as <see cref="Directory.CreateDirectory(string)"/> does) and opens it without following a symlink. It must
    /// be empty and ours when opened: otherwise someone replaced it between the mkdir and the open.
    /// </summary>
    private static SafeFd CreateRoot(string root, List<string> made)
    {
        string parentPath = Path.GetDirectoryName(root) ?? "/";
        List<string> missingParents = [];
        for (string? p = parentPath; p is not null && !Exists(p); p = Path.GetDirectoryName(p))
        {
            missingParents.Insert(0, p);
        }

        Directory.CreateDirectory(parentPath);
        made.AddRange(missingParents);
        using SafeFd parent = Fs.OpenDirectory(parentPath);
        string name = RawName.FromString(Path.GetFileName(root));
        int errno = Fs.TryMkdirAt(parent, name, 0x1FF); // as Directory.CreateDirectory: 0777 less the umask; a directory root's own mode is restored later
        bool ours = errno == (int)Interop.Errno.EEXIST && made.Contains(root, StringComparer.Ordinal); // an earlier root of this restore made it (as its root or a parent)
        if (errno == (int)Interop.Errno.EEXIST && !ours)
        {
            throw ChangedSincePlan(root, missingAtPlan: true);
        }

        if (errno != 0 && !ours)
        {
            throw Fs.Error("mkdirat", root, errno);
        }

        if (!ours)
        {
            made.Add(root);
        }

        SafeFd? fd = Fs.TryOpenAt(parent, name, Interop.O_RDONLY | Interop.O_DIRECTORY | Interop.O_NOFOLLOW, 0, out _);
        if (fd is null || !HoldsOnlyWhatWeMade(fd, root, made) || Fs.Stat(fd).Uid != Interop.Libc.geteuid())
        {
            fd?.Dispose();
            throw ChangedSincePlan(root, missingAtPlan: true);
        }

        return fd;
    }

    /// <summary>
    /// Whether the directory just created (or made earlier by this restore) holds nothing but the directories this
    /// restore made inside it (an earlier root's directory or missing parent): anything else was put there by another process.
    /// </summary>
    private static bool HoldsOnlyWhatWeMade(SafeFd fd, string root, List<string> made)
    {
        HashSet<string> ourChildren = new(
            made.Where(m => string.Equals(Path.GetDirectoryName(m), root, StringComparison.Ordinal)).Select(m => RawName.FromString(Path.GetFileName(m))),
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
