using System.Buffers;
using System.Globalization;
using System.Runtime.Versioning;
using Microsoft.Win32.SafeHandles;
using Nono.Core.Snapshots.Native;
using Nono.Core.Trust;

namespace Nono.Core.Snapshots;

/// <summary>
/// The files through which a git directory makes git run code: <c>config</c> (core.fsmonitor, core.hooksPath,
/// core.sshCommand, filter and diff drivers, aliases, include.path), <c>config.worktree</c>, <c>commondir</c>,
/// <c>hooks/</c>, <c>info/</c> (attributes select drivers), and the same inside <c>modules/</c> and <c>worktrees/</c>.
/// Landlock cannot deny them while <c>git commit</c> keeps working: git creates <c>index.lock</c> and
/// <c>COMMIT_EDITMSG</c> directly in the git directory, and whoever may create and remove entries there may also
/// replace <c>config</c>. So the supervisor fingerprints them (without following any link) before and after the run
/// and reports each change; snapshots leave <c>.git</c> out.
/// </summary>
[SupportedOSPlatform("linux")]
public static partial class GitControlFiles
{
    private const int MaxEntries = 4096;
    private const long MaxBytes = 64L << 20;
    private const int ChunkBytes = 64 << 10;
    private static readonly string[] s_controlFiles = ["config", "config.worktree", "commondir", "gitdir"];
    private static readonly string[] s_controlTrees = ["hooks", "info"];
    private static readonly string[] s_nestedRepositories = ["modules", "worktrees"];
    private static readonly string[] s_bulk = ["objects", "refs", "logs", "lfs"];

    /// <summary>
    /// Path (relative to <paramref name="workingDirectory"/>) to a description of type, mode, size and SHA-256 or link
    /// target, for the git directory git would use there: <c>./.git</c> (recorded even when absent, so one created is
    /// seen) and, when that is absent, the nearest ancestor's.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Fingerprint(string workingDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(workingDirectory);
        Dictionary<string, string> found = new(StringComparer.Ordinal);
        string start = Path.GetFullPath(workingDirectory);
        for (string? directory = start; directory is not null; directory = Path.GetDirectoryName(directory))
        {
            string label = Path.GetRelativePath(start, Path.Combine(directory, ".git"));
            if (Describe(directory, ".git", label, found))
            {
                break;
            }

            found[label] = "absent";
        }

        return found;
    }

    /// <summary>Every path whose description differs, with what it was and what it is (null when absent).</summary>
    public static IReadOnlyList<(string Path, string? Before, string? After)> Changes(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        List<(string, string?, string?)> changes = [];
        foreach (string path in before.Keys.Union(after.Keys).Order(StringComparer.Ordinal))
        {
            string? was = before.GetValueOrDefault(path) is "absent" ? null : before.GetValueOrDefault(path);
            string? now = after.GetValueOrDefault(path) is "absent" ? null : after.GetValueOrDefault(path);
            if (!string.Equals(was, now, StringComparison.Ordinal))
            {
                changes.Add((path, was, now));
            }
        }

        return changes;
    }

    /// <summary>Describes <paramref name="name"/> in <paramref name="parent"/>; false when it does not exist.</summary>
    private static bool Describe(string parent, string name, string label, Dictionary<string, string> found)
    {
        SafeFd dir;
        try
        {
            dir = Fs.OpenDirectory(parent);
        }
        catch (Nono.Core.Diagnostics.NonoException ex)
        {
            found[label] = $"unreadable parent ({ex.Message})";
            return true;
        }

        using (dir)
        {
            if (!Fs.TryStatAt(dir, name, out FileStatus status, out int errno))
            {
                if (errno == (int)Interop.Errno.ENOENT)
                {
                    return false;
                }

                found[label] = $"unreadable (errno {errno})";
                return true;
            }

            Record(dir, name, label, status, Walk.Select, found);
            return true;
        }
    }

    private enum Walk
    {
        Select,
        All,
    }

    private static void Record(SafeFd parent, string name, string label, FileStatus status, Walk walk, Dictionary<string, string> found)
    {
        if (found.Count >= MaxEntries)
        {
            found["(limit)"] = $"more than {MaxEntries} entries";
            return;
        }

        string mode = Convert.ToString(status.Permissions, 8);
        if (status.IsSymlink)
        {
            found[label] = "link " + Fs.ReadLinkAt(parent, name);
        }
        else if (status.IsRegular)
        {
            found[label] = $"file {mode} {status.Size} {Hash(parent, name)}";
        }
        else if (status.IsDirectory)
        {
            found[label] = $"dir {mode}";
            Children(parent, name, label, walk, found);
        }
        else
        {
            found[label] = $"{status.KindName} {mode}";
        }
    }

    private static void Children(SafeFd parent, string name, string label, Walk walk, Dictionary<string, string> found)
    {
        using SafeFd? dir = Fs.TryOpenAt(parent, name, Interop.O_RDONLY | Interop.O_DIRECTORY | Interop.O_NOFOLLOW, 0, out int errno);
        if (dir is null)
        {
            found[label] += $" unreadable (errno {errno})";
            return;
        }

        List<string> names = Fs.ReadDirectory(dir, MaxEntries);
        names.Sort(StringComparer.Ordinal);
        foreach (string child in names)
        {
            Walk next = walk == Walk.All || s_controlTrees.Contains(child) ? Walk.All : Walk.Select;
            if (next == Walk.Select && !s_controlFiles.Contains(child))
            {
                // Outside hooks/ and info/ only nested repositories are entered, never the object store.
                bool nested = s_nestedRepositories.Contains(child) || label.Contains("/modules", StringComparison.Ordinal) || label.Contains("/worktrees", StringComparison.Ordinal);
                if (!nested || s_bulk.Contains(child) || !Fs.TryStatAt(dir, child, out FileStatus inner, out _) || !inner.IsDirectory)
                {
                    continue;
                }

                Children(dir, child, label + "/" + child, next, found);
                continue;
            }

            if (Fs.TryStatAt(dir, child, out FileStatus status, out int statErrno))
            {
                Record(dir, child, label + "/" + child, status, next, found);
            }
            else
            {
                found[label + "/" + child] = $"unreadable (errno {statErrno})";
            }
        }
    }

    /// <summary>
    /// SHA-256 of the content (up to <see cref="MaxBytes"/>; a larger file adds its inode and change time, which a
    /// write always moves and a user cannot set back); opened without following a link and without blocking (a FIFO
    /// swapped in). Managed SHA-256 through one pooled buffer: the platform's loads OpenSSL, ~240 page faults per audited
    /// run in a checkout (see <see cref="ManagedSha256"/>).
    /// </summary>
    private static string Hash(SafeFd parent, string name)
    {
        using SafeFd? fd = Fs.TryOpenAt(parent, name, Interop.O_RDONLY | Interop.O_NOFOLLOW | Interop.O_NONBLOCK, 0, out int errno);
        if (fd is null)
        {
            return $"unreadable (errno {errno})";
        }

        FileStatus status = Fs.Stat(fd);
        if (!status.IsRegular)
        {
            return "replaced while read";
        }

        using SafeFileHandle handle = new(fd.DangerousGetHandle(), ownsHandle: false);
        ManagedSha256 sha = new();
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        long total = 0;
        try
        {
            int read;
            while (total < MaxBytes && (read = RandomAccess.Read(handle, buffer.AsSpan(0, (int)Math.Min(ChunkBytes, MaxBytes - total)), total)) > 0)
            {
                sha.AppendData(buffer.AsSpan(0, read));
                total += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        string more = total == MaxBytes ? string.Create(CultureInfo.InvariantCulture, $"+ inode {status.Inode} ctime {status.CtimeNs}") : "";
        return "sha256:" + Convert.ToHexStringLower(sha.GetHash()) + more + string.Create(CultureInfo.InvariantCulture, $" read {total}");
    }
}
