using Nono.Core.Snapshots.Native;

namespace Nono.Core.Policy;

/// <summary>
/// The names in a directory, from one listing, for a policy resolution that looks up many names in it (a home
/// directory: the deny list names a hundred dot files and directories there, most of them absent). Only on file systems
/// whose listing names every entry a lookup finds (ext2-4, xfs, btrfs, tmpfs, overlayfs): procfs has lookup-only names
/// (thread ids) and autofs names that appear only once looked up, so nothing is listed there.
/// </summary>
internal static class DirectoryNames
{
    /// <summary>At most this many entries are listed; a larger directory is not listed.</summary>
    internal const int Limit = 4096;

    /// <summary>
    /// The raw names (<see cref="RawName"/>) of <paramref name="directory"/>, or null when it cannot be listed, is on another
    /// file system or holds more than <see cref="Limit"/> entries (the caller then looks each name up by itself).
    /// </summary>
    public static HashSet<string>? TryList(string directory)
    {
        if (!OperatingSystem.IsLinux() || directory.Contains('\0'))
        {
            return null;
        }

        SafeFd fd;
        try
        {
            fd = Fs.OpenDirectory(directory, followLast: true); // as a lookup of a name in it follows a link there
        }
        catch (Diagnostics.NonoException)
        {
            return null;
        }

        using (fd)
        {
            if (Sandbox.Interop.Interop.FileSystemType(fd) is not (Sandbox.Interop.Interop.EXT4_SUPER_MAGIC or Sandbox.Interop.Interop.XFS_SUPER_MAGIC
                or Sandbox.Interop.Interop.BTRFS_SUPER_MAGIC or Sandbox.Interop.Interop.TMPFS_MAGIC or Sandbox.Interop.Interop.OVERLAYFS_SUPER_MAGIC))
            {
                return null;
            }

            try
            {
                List<string> names = Fs.ReadDirectory(fd, Limit);
                return names.Count > Limit ? null : new HashSet<string>(names, StringComparer.Ordinal);
            }
            catch (Diagnostics.NonoException)
            {
                return null; // a listing that fails part way answers nothing
            }
        }
    }
}
