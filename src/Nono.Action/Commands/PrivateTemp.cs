using Nono.Core.Diagnostics;
using Nono.Core.Snapshots;

namespace Nono.Action.Commands;

/// <summary>
/// A per-run temporary directory (mode 0700) that becomes the child's <c>TMPDIR</c>. Without it the
/// <c>temp_write</c> group would grant <c>$TMPDIR</c>, which is all of <c>/tmp</c> when unset: other
/// users' and jobs' temp files.
/// </summary>
internal sealed class PrivateTemp : IDisposable
{
    private PrivateTemp(string path) => Path = path;

    public string Path { get; }

    public static PrivateTemp Create()
    {
        // CreateTempSubdirectory makes the directory with mode 0700 under the system temp folder.
        return new PrivateTemp(Directory.CreateTempSubdirectory("nono-tmp-").FullName);
    }

    /// <summary>
    /// Removes the directory and what the child left in it, by descriptor: the child (or a daemon it left) can swap a
    /// subdirectory for a link to any of the user's folders while the removal walks the tree, and a removal by path
    /// (Directory.Delete) would then follow it and delete outside files (review of session 11).
    /// </summary>
    public void Dispose()
    {
        string parent = System.IO.Path.GetDirectoryName(Path) ?? "/";
        try
        {
            using NoFollowDirectory temp = NoFollowDirectory.Open(parent);
            temp.RemoveTree(System.IO.Path.GetFileName(Path));
        }
        catch (NonoException)
        {
            // A tree the child made unremovable (or swapped while we walked it) stays; a stale private temp folder is
            // harmless, and nothing outside it was touched.
        }
    }
}
