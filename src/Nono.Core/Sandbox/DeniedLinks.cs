using Nono.Core.Diagnostics;
using Nono.Core.Sandbox.Interop;
using Nono.Core.Snapshots.Native;
using Errno = Nono.Core.Snapshots.Native.Interop.Errno;

namespace Nono.Core.Sandbox;

/// <summary>
/// The multiply-linked files inside the carved denies' trees. A listed sibling that is a hard link to one of them is
/// the same inode under another name, and Landlock would grant the denied file through the sibling's rule. The trees
/// are walked only when a listed sibling has more than one link (rare), without following links, bounded in entries
/// and depth; a walk that hits a bound or cannot read a directory is <see cref="Incomplete"/>, and then no
/// multiply-linked sibling is granted (it could be a link to a file the walk did not see).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class DeniedLinks
{
    /// <summary>Entries looked at across all denied trees before the walk gives up.</summary>
    internal const int MaxEntries = 20_000;

    /// <summary>Directory levels below a deny the walk enters.</summary>
    internal const int MaxDepth = 16;

    private readonly HashSet<FileIdentity> _files = [];
    private readonly IReadOnlySet<ulong> _devices;
    private int _entries;

    private DeniedLinks(IReadOnlySet<ulong> devices) => _devices = devices;

    /// <summary>Why the walk is incomplete (one phrase), or null when every denied tree was read.</summary>
    public string? Incomplete { get; private set; }

    /// <summary>The path of the first multiply-linked file the walk found, or null (named by a deny_write refusal).</summary>
    public string? FirstLinked { get; private set; }

    /// <summary>
    /// Adds to <paramref name="into"/> each deny that is a directory now (its last component not followed; no read
    /// permission needed), with its inode: <see cref="Scan"/> then knows which tree it must find at each deny.
    /// </summary>
    public static unsafe void RecordRoots(IReadOnlyList<string> denies, Dictionary<string, FileIdentity> into)
    {
        foreach (string deny in denies)
        {
            byte[] z = RawName.ToZ(RawName.FromString(deny));
            int fd;
            fixed (byte* p = z)
            {
                // SAFETY: z is pinned and NUL-terminated for the call.
                fd = Snapshots.Native.Interop.Libc.openat(Snapshots.Native.Interop.AT_FDCWD, p, Interop.Interop.O_PATH | Snapshots.Native.Interop.O_DIRECTORY | Snapshots.Native.Interop.O_NOFOLLOW | Snapshots.Native.Interop.O_CLOEXEC, 0);
            }

            if (fd < 0)
            {
                int errno = Fs.LastErrno;
                if (errno is (int)Errno.ENOENT or (int)Errno.ENOTDIR or (int)Errno.ELOOP)
                {
                    continue; // not a directory: no tree to walk
                }

                throw Fs.Error("open", deny, errno);
            }

            using SafeFd root = new(fd);
            FileStatus status = Fs.Stat(root);
            into[deny] = new FileIdentity(status.Device, status.Inode);
        }
    }

    /// <summary>
    /// Walks the trees of <paramref name="denies"/> (a deny that is not a directory has no tree). A deny that is not the
    /// directory <paramref name="roots"/> recorded at plan time (moved away or replaced) makes the walk incomplete: the
    /// tree it had may now be elsewhere, with a sibling linked into it. A deny that has become a directory since (the
    /// state directory nono creates) is simply walked.
    /// Only directories on <paramref name="devices"/> (those of the multiply-linked siblings) are read: a hard link
    /// cannot cross devices, and the walk does not descend into other mounts.
    /// </summary>
    public static DeniedLinks Scan(IReadOnlyList<string> denies, IReadOnlyDictionary<string, FileIdentity> roots, IReadOnlySet<ulong> devices)
    {
        DeniedLinks links = new(devices);
        foreach (string deny in denies)
        {
            bool planned = roots.TryGetValue(deny, out FileIdentity was);
            try
            {
                using SafeFd root = Fs.OpenDirectory(deny);
                FileStatus status = Fs.Stat(root);
                if (planned && was != new FileIdentity(status.Device, status.Inode))
                {
                    links.Incomplete = $"{deny} is not the directory it was when planned";
                    break;
                }

                if (devices.Contains(status.Device))
                {
                    links.Walk(root, deny, 0);
                }
            }
            catch (NonoException ex) when (ex.Errno is (int)Errno.ENOENT or (int)Errno.ENOTDIR or (int)Errno.ELOOP && ex.Syscall == "open")
            {
                // Not a directory (a file's own identity is kept out by DeniedIdentities; a link's target is denied by
                // its canonical path, which is in the list too). Fine unless it was a directory when planned.
                if (planned)
                {
                    links.Incomplete = $"{deny} is no longer the directory it was when planned (moved away or replaced)";
                }
            }
            catch (NonoException ex)
            {
                links.Incomplete ??= $"cannot read {deny}: {ex.Message}";
            }

            if (links.Incomplete is not null)
            {
                break;
            }
        }

        return links;
    }

    /// <summary>
    /// Why a sibling with this identity and more than one link must not be granted (one phrase), or null when it is
    /// not a link to anything in the denied trees.
    /// </summary>
    public string? Refuses(FileIdentity identity) =>
        Incomplete is not null ? $"the denied directories could not all be checked for it ({Incomplete})"
        : _files.Contains(identity) ? "it is a hard link to a file inside a denied directory"
        : null;

    private void Walk(SafeFd directory, string path, int depth)
    {
        // The remaining budget bounds the read too: one huge directory is not read whole.
        foreach (string name in Fs.ReadDirectory(directory, MaxEntries - _entries))
        {
            if (++_entries > MaxEntries)
            {
                Incomplete = $"more than {MaxEntries} entries";
                return;
            }

            if (!Fs.TryStatAt(directory, name, out FileStatus status, out int errno))
            {
                if (errno == (int)Errno.ENOENT)
                {
                    continue;
                }

                throw Fs.Error("statx", Path.Join(path, RawName.ToDisplay(name)), errno);
            }

            if (status.IsDirectory)
            {
                if (!_devices.Contains(status.Device))
                {
                    continue; // another device (a mount): no sibling can be a hard link to anything in it
                }

                if (depth + 1 > MaxDepth)
                {
                    Incomplete = $"{path} is more than {MaxDepth} levels below a deny";
                    return;
                }

                using SafeFd? child = Fs.TryOpenAt(directory, name, Snapshots.Native.Interop.O_RDONLY | Snapshots.Native.Interop.O_DIRECTORY | Snapshots.Native.Interop.O_NOFOLLOW, 0, out errno);
                if (child is null)
                {
                    if (errno is (int)Errno.ENOENT or (int)Errno.ENOTDIR or (int)Errno.ELOOP)
                    {
                        continue; // removed or replaced since the listing: nothing of the deny is there any more
                    }

                    throw Fs.Error("openat", Path.Join(path, RawName.ToDisplay(name)), errno);
                }

                Walk(child, Path.Join(path, RawName.ToDisplay(name)), depth + 1);
                if (Incomplete is not null)
                {
                    return;
                }
            }
            else if (status.LinkCount > 1 && !status.IsSymlink)
            {
                _files.Add(new FileIdentity(status.Device, status.Inode));
                FirstLinked ??= Path.Join(path, RawName.ToDisplay(name));
            }
        }
    }
}
