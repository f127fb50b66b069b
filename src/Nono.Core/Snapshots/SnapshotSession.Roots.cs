using Nono.Core.Diagnostics;
using Nono.Core.Snapshots.Native;

namespace Nono.Core.Snapshots;

public sealed partial class SnapshotSession
{
    /// <summary>
    /// True when <paramref name="path"/> can be a snapshot root: an existing directory, or an
    /// existing regular file (not a device, FIFO or socket; a symlink counts as what it points to,
    /// because roots are canonicalized).
    /// </summary>
    public static bool CanBeRoot(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string? real = Path.IsPathFullyQualified(path) ? Fs.RealPath(path) : null;
        return real is not null && (Directory.Exists(real) || IsRegularFile(real));
    }

    /// <summary>
    /// Where root <paramref name="index"/> is opened, and for a file root the one raw name tracked in
    /// it. The parent of a file root is a path the caller chose, like a directory root; the file's
    /// name is only ever used with calls that do not follow a symlink in its place.
    /// </summary>
    internal (string Directory, string? Name) RootLocation(int index)
    {
        string root = Info.Roots[index];
        return Info.FileRoots.Contains(root, StringComparer.Ordinal)
            ? (Path.GetDirectoryName(root) ?? "/", RawName.FromString(Path.GetFileName(root)))
            : (root, null);
    }

    /// <summary>lstat of a canonical path: a regular file (the last component not followed).</summary>
    private static bool IsRegularFile(string real)
    {
        string? parent = Path.GetDirectoryName(real);
        if (parent is null || !Directory.Exists(parent))
        {
            return false;
        }

        try
        {
            using SafeFd dir = Fs.OpenDirectory(parent);
            return Fs.TryStatAt(dir, RawName.FromString(Path.GetFileName(real)), out FileStatus status, out _) && status.IsRegular;
        }
        catch (NonoException)
        {
            return false;
        }
    }
}
