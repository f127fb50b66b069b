using System.Runtime.Versioning;
using System.Security.Cryptography;
using Nono.Core.Snapshots.Native;

namespace Nono.Core.Snapshots;

/// <summary>What a path names itself, its last component not followed (<see cref="NoFollowDirectory.KindOfPath(string)"/>).</summary>
public enum PathKind
{
    /// <summary>Nothing there (ENOENT, ENOTDIR).</summary>
    Missing,

    /// <summary>A regular file.</summary>
    Regular,

    /// <summary>A directory.</summary>
    Directory,

    /// <summary>A symbolic link (not followed).</summary>
    Symlink,

    /// <summary>A FIFO, socket or device node.</summary>
    Other,

    /// <summary>The lookup failed for another reason (EACCES, ELOOP...).</summary>
    Unreadable,
}

/// <summary>
/// A directory held by descriptor, in which names are created, opened and replaced without following a link in the
/// last component: for nono's own files in places a sandboxed command could reach (the session artifact under a granted
/// <c>runner.temp</c>), where a path checked first and written later could be swapped for a link in between.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class NoFollowDirectory : IDisposable
{
    private readonly SafeFd _fd;

    private NoFollowDirectory(SafeFd fd) => _fd = fd;

    /// <summary>Opens a directory path a trusted caller names (the runner's temp directory); the last component may be a link.</summary>
    public static NoFollowDirectory Open(string absolutePath) => new(Fs.OpenDirectory(absolutePath, followLast: true));

    /// <summary>The kind of <paramref name="path"/> itself, like lstat.</summary>
    public static PathKind KindOfPath(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        string parent = Path.GetDirectoryName(full) ?? "/";
        string name = Path.GetFileName(full);
        if (name.Length == 0)
        {
            return PathKind.Directory; // "/"
        }

        try
        {
            using NoFollowDirectory dir = Open(parent);
            return dir.KindOf(name);
        }
        catch (Nono.Core.Diagnostics.NonoException ex)
        {
            return ex.Errno is (int)Interop.Errno.ENOENT or (int)Interop.Errno.ENOTDIR ? PathKind.Missing : PathKind.Unreadable;
        }
    }

    /// <summary>The kind of <paramref name="name"/> in this directory, not followed.</summary>
    public PathKind KindOf(string name)
    {
        if (!Fs.TryStatAt(_fd, name, out FileStatus status, out int errno))
        {
            return errno is (int)Interop.Errno.ENOENT or (int)Interop.Errno.ENOTDIR ? PathKind.Missing : PathKind.Unreadable;
        }

        return status.IsRegular ? PathKind.Regular : status.IsDirectory ? PathKind.Directory : status.IsSymlink ? PathKind.Symlink : PathKind.Other;
    }

    /// <summary>
    /// Makes a new directory <paramref name="prefix"/> + random hex (mode 0700) and opens it without following links; a
    /// name that exists already (planted) is never used, another is drawn. Returns the directory and its name.
    /// </summary>
    public (NoFollowDirectory Directory, string Name) CreateUniqueDirectory(string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        for (int attempt = 0; ; attempt++)
        {
            string name = prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
            int errno = Fs.TryMkdirAt(_fd, name, 0x1C0);
            if (errno == (int)Interop.Errno.EEXIST && attempt < 8)
            {
                continue;
            }

            if (errno != 0)
            {
                throw Fs.Error("mkdirat", name, errno);
            }

            return (OpenDirectory(name), name);
        }
    }

    /// <summary>Creates (mode 0700) or opens the subdirectory <paramref name="name"/>; a link or a non-directory there is refused.</summary>
    public NoFollowDirectory CreateDirectory(string name)
    {
        int errno = Fs.TryMkdirAt(_fd, name, 0x1C0);
        if (errno != 0 && errno != (int)Interop.Errno.EEXIST)
        {
            throw Fs.Error("mkdirat", name, errno);
        }

        return OpenDirectory(name);
    }

    /// <summary>Opens the subdirectory <paramref name="name"/> without following a link (ELOOP/ENOTDIR for anything else).</summary>
    public NoFollowDirectory OpenDirectory(string name) =>
        new(Fs.OpenAt(_fd, name, Interop.O_RDONLY | Interop.O_DIRECTORY | Interop.O_NOFOLLOW));

    /// <summary>Writes a new file (mode 0600) that must not exist yet: O_CREAT|O_EXCL never follows or reuses what is there.</summary>
    public void WriteNewFile(string name, ReadOnlySpan<byte> content)
    {
        using SafeFd file = Fs.OpenAt(_fd, name, Interop.O_WRONLY | Interop.O_CREAT | Interop.O_EXCL | Interop.O_NOFOLLOW, 0x180);
        Fs.WriteAll(file, content);
    }

    /// <summary>
    /// Removes <paramref name="name"/> and, for a directory, everything under it, through descriptors opened without
    /// following links: a directory swapped for a link while the removal runs is refused, never entered. Missing is fine.
    /// </summary>
    public void RemoveTree(string name) => Fs.RemoveTree(_fd, name);

    /// <summary>Whether <paramref name="name"/> exists here (a link counts, unfollowed).</summary>
    public bool Exists(string name) => KindOf(name) != PathKind.Missing;

    /// <inheritdoc />
    public void Dispose() => _fd.Dispose();
}
