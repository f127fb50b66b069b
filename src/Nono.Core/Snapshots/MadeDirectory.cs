using Nono.Core.Snapshots.Native;

namespace Nono.Core.Snapshots;

/// <summary>
/// A directory the restore created (a missing root or one of its missing parents), remembered so a refusal can take it
/// back: its parent's descriptor, held since the mkdir so the path is never resolved again, its name there, and the
/// device and inode of the directory the restore opened right after making it.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class MadeDirectory(string path, SafeFd parent, string name, FileStatus made) : IDisposable
{
    public string Path => path;

    /// <summary>Whether <paramref name="status"/> is this directory (same device and inode).</summary>
    public bool Is(FileStatus status) => status.IsDirectory && status.Device == made.Device && status.Inode == made.Inode;

    /// <summary>
    /// Removes the directory again if its name in the held parent is still the directory made, never following a
    /// symlink (a name swapped for a symlink, another directory or a file stays). rmdir removes an empty directory only,
    /// so whatever another process put inside keeps it. Between the check and the rmdir a same-uid process can still put
    /// another empty directory at the name; that one is then removed, which loses nothing.
    /// </summary>
    public bool TryTakeBack() =>
        Fs.TryStatAt(parent, name, out FileStatus now, out _) && Is(now) && Fs.TryUnlinkAt(parent, name, directory: true) == 0;

    public void Dispose() => parent.Dispose();
}
