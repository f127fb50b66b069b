using System.Text;
using Nono.Core.Snapshots.Native;

namespace Nono.Core.Snapshots;

public static partial class GitControlFiles
{
    /// <summary>How deep below each writable root other checkouts are looked for (the root itself is depth 0).</summary>
    public const int ScanDepth = 3;

    /// <summary>Directories visited below the writable roots before the scan stops (and says so in the fingerprint).</summary>
    public const int ScanDirectoryLimit = 4096;

    private const string ScanLimitLabel = "(scan limit)";

    /// <summary>
    /// <see cref="Fingerprint(string)"/> plus every <c>.git</c> entry in <paramref name="writableRoots"/> down to
    /// <see cref="ScanDepth"/> directories (links not followed), and for each <c>.git</c> file its <c>gitdir:</c> target
    /// and that target's <c>commondir</c> (a worktree's main git directory, whose config and hooks git uses). Labels are
    /// paths relative to <paramref name="workingDirectory"/>. Where the scan stops at <see cref="ScanDirectoryLimit"/>, a
    /// <c>(scan limit)</c> entry names the last directory visited, so a changed stopping point shows as a change.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Fingerprint(string workingDirectory, IReadOnlyList<string> writableRoots)
    {
        ArgumentNullException.ThrowIfNull(writableRoots);
        Dictionary<string, string> found = new(Fingerprint(workingDirectory), StringComparer.Ordinal);
        string start = Path.GetFullPath(workingDirectory);
        List<string> checkouts = [.. found.Keys.Where(k => Path.GetFileName(k) == ".git" && found[k] != "absent").Select(k => Path.GetFullPath(Path.Combine(start, k)))];
        int visited = 0;
        foreach (string root in writableRoots.Select(Path.GetFullPath).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            FindCheckouts(root, 0, checkouts, ref visited, found);
        }

        foreach (string git in checkouts.Distinct(StringComparer.Ordinal).ToList())
        {
            string label = Path.GetRelativePath(start, git);
            if (!found.ContainsKey(label))
            {
                Describe(Path.GetDirectoryName(git)!, ".git", label, found);
            }

            // A .git file names the real git directory; a worktree's git directory names the common one in commondir.
            string? gitDir = Pointer(git, "gitdir:");
            string?[] targets = gitDir is null ? [] : [gitDir, Pointer(gitDir, null, "commondir")];
            foreach (string target in targets.OfType<string>().Where(t => Path.IsPathRooted(t) && Path.GetDirectoryName(t) is not null))
            {
                string targetLabel = Path.GetRelativePath(start, target);
                if (!found.ContainsKey(targetLabel) && !Describe(Path.GetDirectoryName(target)!, Path.GetFileName(target), targetLabel, found))
                {
                    found[targetLabel] = "absent";
                }
            }
        }

        return found;
    }

    private static void FindCheckouts(string directory, int depth, List<string> checkouts, ref int visited, Dictionary<string, string> found)
    {
        if (visited >= ScanDirectoryLimit)
        {
            return;
        }

        if (++visited == ScanDirectoryLimit)
        {
            found[ScanLimitLabel] = $"stopped after {ScanDirectoryLimit} directories at {directory}";
        }

        SafeFd dir;
        try
        {
            dir = Fs.OpenDirectory(directory); // the last component is never a link (a root given as one is skipped)
        }
        catch (Nono.Core.Diagnostics.NonoException)
        {
            return;
        }

        using (dir)
        {
            if (Fs.TryStatAt(dir, ".git", out _, out _))
            {
                checkouts.Add(Path.Combine(directory, ".git"));
            }

            if (depth >= ScanDepth)
            {
                return;
            }

            List<string> names = Fs.ReadDirectory(dir, ScanDirectoryLimit + 1);
            if (names.Count > ScanDirectoryLimit)
            {
                found[ScanLimitLabel + " " + directory] = $"more than {ScanDirectoryLimit} entries: only some were searched";
            }

            names.Sort(StringComparer.Ordinal);
            foreach (string name in names)
            {
                if (name != ".git" && Fs.TryStatAt(dir, name, out FileStatus status, out _) && status.IsDirectory)
                {
                    FindCheckouts(Path.Combine(directory, name), depth + 1, checkouts, ref visited, found);
                }
            }
        }
    }

    /// <summary>
    /// The directory a pointer file names, absolute: <c>.git</c> as a file (<c>gitdir: PATH</c>, <paramref name="prefix"/>)
    /// or a git directory's <c>commondir</c> (<paramref name="name"/>, a bare path). Read without following a link, at most
    /// 4 KiB; relative paths are relative to the file's directory (git's rule). Null when there is none.
    /// </summary>
    private static string? Pointer(string path, string? prefix, string? name = null)
    {
        string directory = name is null ? Path.GetDirectoryName(path)! : path;
        string file = name ?? Path.GetFileName(path);
        try
        {
            using SafeFd dir = Fs.OpenDirectory(directory);
            using SafeFd? fd = Fs.TryOpenAt(dir, file, Interop.O_RDONLY | Interop.O_NOFOLLOW | Interop.O_NONBLOCK, 0, out _);
            if (fd is null || !Fs.Stat(fd).IsRegular)
            {
                return null;
            }

            byte[] buffer = new byte[4096];
            int n = RandomAccess.Read(Fs.Borrow(fd), buffer, 0);
            string text = Encoding.UTF8.GetString(buffer, 0, n).Split('\n')[0].Trim();
            if (prefix is not null)
            {
                if (!text.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return null;
                }

                text = text[prefix.Length..].Trim();
            }

            return text.Length == 0 ? null : Path.GetFullPath(text, directory);
        }
        catch (Exception ex) when (ex is IOException or Nono.Core.Diagnostics.NonoException)
        {
            return null;
        }
    }
}
