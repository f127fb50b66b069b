using System.Runtime.Versioning;
using Nono.Core.Snapshots;

namespace Nono.Action.GitHub;

/// <summary>
/// The git config files of a checkout that may hold a persisted checkout token: <c>.git/config</c> and, for submodules,
/// every <c>.git/modules/**/config</c>. The sandboxed command controlled the workspace, so a file is used only when it
/// is a regular file reached through real directories from the workspace (no component a symbolic link): git follows a
/// symlinked config when it writes, which would put the token wherever the command pointed it.
/// </summary>
[SupportedOSPlatform("linux")]
internal static class GitConfigFiles
{
    private const PathKind Directory = PathKind.Directory;
    private const PathKind Regular = PathKind.Regular;
    private const int MaxDepth = 16;

    /// <summary>The config files (paths relative to <paramref name="workspace"/>), or none when there is no real .git directory.</summary>
    public static List<string> Find(string workspace)
    {
        List<string> found = [];
        string git = Path.Combine(workspace, ".git");
        if (TypeOf(git) != Directory)
        {
            return found; // no checkout, or a .git file/link (a worktree or a redirect): nothing persisted here to hide
        }

        if (TypeOf(Path.Combine(git, "config")) == Regular)
        {
            found.Add(Path.Combine(".git", "config"));
        }

        AddModules(workspace, Path.Combine(".git", "modules"), 0, found);
        return found;
    }

    /// <summary>Whether <paramref name="relative"/> is still a regular file under real directories of <paramref name="workspace"/>.</summary>
    public static bool IsSafe(string workspace, string relative)
    {
        string path = workspace;
        string[] parts = relative.Split('/');
        for (int i = 0; i < parts.Length; i++)
        {
            if (parts[i] is "" or "." or "..")
            {
                return false;
            }

            path = Path.Combine(path, parts[i]);
            if (TypeOf(path) != (i == parts.Length - 1 ? Regular : Directory))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Every module git directory under <c>.git/modules</c>: a module's name is its path by default, so
    /// <c>third_party/lib</c> lives in <c>.git/modules/third_party/lib</c>, and nested modules in <c>.../modules/...</c>.
    /// A directory with a <c>config</c> and a <c>HEAD</c> file is a git directory. Links are not followed; git's own
    /// folders are skipped.
    /// </summary>
    private static void AddModules(string workspace, string relative, int depth, List<string> found)
    {
        string full = Path.Combine(workspace, relative);
        if (depth > MaxDepth || TypeOf(full) != Directory)
        {
            return;
        }

        foreach (string entry in System.IO.Directory.EnumerateDirectories(full).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(entry);
            if (name is "objects" or "refs" or "logs" or "hooks" or "info" || TypeOf(entry) != Directory)
            {
                continue; // git's own folders, or a link to a directory elsewhere (not followed)
            }

            string entryRelative = Path.Combine(relative, name);
            if (TypeOf(Path.Combine(entry, "config")) == Regular && TypeOf(Path.Combine(entry, "HEAD")) == Regular)
            {
                found.Add(Path.Combine(entryRelative, "config"));
            }

            AddModules(workspace, entryRelative, depth + 1, found);
        }
    }

    /// <summary>What <paramref name="path"/> is itself (a link is not followed).</summary>
    private static PathKind TypeOf(string path) => NoFollowDirectory.KindOfPath(path);
}
