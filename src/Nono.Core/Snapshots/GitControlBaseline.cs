using System.Runtime.Versioning;
using System.Security.Cryptography;
using Nono.Core.Snapshots.Native;

namespace Nono.Core.Snapshots;

/// <summary>
/// The git control files as they were before a run (<see cref="GitControlFiles.Fingerprint(string, IReadOnlyList{string})"/>),
/// with the contents of the regular ones (bounded) and the identity of every directory that holds one, so that after the
/// run the changed ones can be put back: a later workflow step, outside the sandbox, must not run a hook or an fsmonitor
/// the command planted. Everything is written by descriptor, without following a link, into the same directory (device
/// and inode) that held the entry before; a file goes back through a temporary name and a rename (atomic).
/// Call <see cref="Restore"/> only once no process of the run is left (action mode requires such a containment).
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class GitControlBaseline
{
    /// <summary>Contents kept in all; a file beyond it is reported, not restored.</summary>
    public const int MaxContentBytes = 8 << 20;

    private const int MaxFileBytes = 1 << 20;
    private readonly string _start;
    private readonly Dictionary<string, byte[]> _contents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (ulong Device, ulong Inode)> _directories = new(StringComparer.Ordinal);

    private GitControlBaseline(string start, IReadOnlyDictionary<string, string> fingerprint)
    {
        _start = start;
        Fingerprint = fingerprint;
    }

    /// <summary>The fingerprint taken before the run.</summary>
    public IReadOnlyDictionary<string, string> Fingerprint { get; }

    /// <summary>Fingerprints and keeps what <see cref="Restore"/> needs.</summary>
    public static GitControlBaseline Capture(string workingDirectory, IReadOnlyList<string> writableRoots)
    {
        string start = Path.GetFullPath(workingDirectory);
        GitControlBaseline baseline = new(start, GitControlFiles.Fingerprint(start, writableRoots));
        long kept = 0;
        foreach ((string label, string description) in baseline.Fingerprint)
        {
            if (!IsPath(label) || description == "absent")
            {
                continue;
            }

            string full = Path.GetFullPath(Path.Combine(start, label));
            using SafeFd? parent = TryOpenDirectory(Path.GetDirectoryName(full)!);
            if (parent is null)
            {
                continue;
            }

            FileStatus parentStatus = Fs.Stat(parent);
            baseline._directories[Parent(label)] = (parentStatus.Device, parentStatus.Inode);
            string name = Path.GetFileName(full);
            if (description.StartsWith("dir ", StringComparison.Ordinal) && Fs.TryStatAt(parent, name, out FileStatus status, out _) && status.IsDirectory)
            {
                baseline._directories[label] = (status.Device, status.Inode);
            }
            else if (description.StartsWith("file ", StringComparison.Ordinal) && Read(parent, name) is { } content && kept + content.Length <= MaxContentBytes)
            {
                baseline._contents[label] = content;
                kept += content.Length;
            }
        }

        return baseline;
    }

    /// <summary>Puts back each changed path (as <see cref="GitControlFiles.Changes"/> lists them); returns what happened to each.</summary>
    public IReadOnlyDictionary<string, string> Restore(IReadOnlyList<(string Path, string? Before, string? After)> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        Dictionary<string, string> outcomes = new(StringComparer.Ordinal);
        List<string> removed = [];
        foreach ((string label, string? before, _) in changes.OrderBy(c => c.Path, StringComparer.Ordinal))
        {
            if (!IsPath(label))
            {
                outcomes[label] = "not restored: not a path";
                continue;
            }

            if (removed.Any(r => label.StartsWith(r + "/", StringComparison.Ordinal)))
            {
                outcomes[label] = "restored: went with " + removed.First(r => label.StartsWith(r + "/", StringComparison.Ordinal));
                continue;
            }

            try
            {
                outcomes[label] = RestoreOne(label, before);
                if (before is null)
                {
                    removed.Add(label);
                }
            }
            catch (Exception ex) when (ex is IOException or Nono.Core.Diagnostics.NonoException)
            {
                outcomes[label] = $"not restored: {ex.Message}";
            }
        }

        return outcomes;
    }

    private string RestoreOne(string label, string? before)
    {
        string full = Path.GetFullPath(Path.Combine(_start, label));
        string name = Path.GetFileName(full);
        using SafeFd? parent = TryOpenDirectory(Path.GetDirectoryName(full)!);
        FileStatus? parentStatus = parent is null ? null : Fs.Stat(parent);
        // An entry that is new goes wherever the scan found it (through real directories, after the run); anything put back goes
        // only into the very directory that held it before.
        bool known = _directories.TryGetValue(Parent(label), out var identity);
        if (parent is null || (before is not null && !known) || (known && (parentStatus?.Device != identity.Device || parentStatus?.Inode != identity.Inode)))
        {
            return $"not restored: {Parent(label)} is not the directory it was before the run";
        }

        string[] words = (before ?? "").Split(' ');
        switch (words[0])
        {
            case "" when name == ".git":
                // A repository made during the run: its objects may be the command's work, so it is set aside under a
                // name git does not look at (nothing lost), not deleted; its config and hooks no longer take effect.
                string aside = ".git.nono-quarantine-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
                Fs.RenameAt(parent, name, parent, aside);
                return "restored: moved aside to " + aside;
            case "":
                Fs.RemoveTree(parent, name);
                return "restored: removed";
            case "file" when _contents.TryGetValue(label, out byte[]? content):
                WriteBack(parent, name, content, Convert.ToUInt32(words[1], 8));
                return "restored";
            case "file":
                return $"not restored: larger than nono keeps ({MaxFileBytes} bytes each, {MaxContentBytes} in all)";
            case "link":
                Fs.RemoveTree(parent, name);
                Fs.SymlinkAt(before![5..], parent, name);
                return "restored";
            case "dir":
                if (!Fs.TryStatAt(parent, name, out FileStatus now, out _) || !now.IsDirectory)
                {
                    Fs.RemoveTree(parent, name);
                    int errno = Fs.TryMkdirAt(parent, name, 0x1C0);
                    if (errno != 0)
                    {
                        throw Fs.Error("mkdirat", label, errno);
                    }
                }

                using (SafeFd dir = Fs.OpenAt(parent, name, Interop.O_RDONLY | Interop.O_DIRECTORY | Interop.O_NOFOLLOW))
                {
                    Chmod(dir, Convert.ToUInt32(words[1], 8), label);
                    FileStatus made = Fs.Stat(dir);
                    _directories[label] = (made.Device, made.Inode); // its children go back into this one
                }

                return "restored";
            default:
                return $"not restored: was a {words[0]}";
        }
    }

    private static void WriteBack(SafeFd parent, string name, byte[] content, uint mode)
    {
        string temp = ".nono-restore-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        using (SafeFd file = Fs.OpenAt(parent, temp, Interop.O_WRONLY | Interop.O_CREAT | Interop.O_EXCL | Interop.O_NOFOLLOW, 0x180))
        {
            try
            {
                Fs.WriteAll(file, content);
                Chmod(file, mode, name);
                if (Interop.Libc.fsync(file.Fd) != 0)
                {
                    throw Fs.Error("fsync", name, Fs.LastErrno);
                }
            }
            catch
            {
                _ = Fs.TryUnlinkAt(parent, temp, directory: false);
                throw;
            }
        }

        if (Fs.TryStatAt(parent, name, out FileStatus now, out _) && now.IsDirectory)
        {
            Fs.RemoveTree(parent, name); // a directory put where the file was: rename cannot replace it
        }

        Fs.RenameAt(parent, temp, parent, name);
    }

    private static void Chmod(SafeFd fd, uint mode, string label)
    {
        if (Interop.Libc.fchmod(fd.Fd, mode & 0xFFF) != 0)
        {
            throw Fs.Error("fchmod", label, Fs.LastErrno);
        }
    }

    private static byte[]? Read(SafeFd parent, string name)
    {
        using SafeFd? fd = Fs.TryOpenAt(parent, name, Interop.O_RDONLY | Interop.O_NOFOLLOW | Interop.O_NONBLOCK, 0, out _);
        if (fd is null || Fs.Stat(fd) is not { IsRegular: true, Size: <= MaxFileBytes } status)
        {
            return null;
        }

        byte[] content = new byte[status.Size];
        int total = 0;
        int read;
        while (total < content.Length && (read = RandomAccess.Read(Fs.Borrow(fd), content.AsSpan(total), total)) > 0)
        {
            total += read;
        }

        return total == content.Length ? content : null;
    }

    private static SafeFd? TryOpenDirectory(string path)
    {
        try
        {
            return Fs.OpenDirectory(path);
        }
        catch (Nono.Core.Diagnostics.NonoException)
        {
            return null;
        }
    }

    private static string Parent(string label) => Path.GetDirectoryName(label) is { Length: > 0 } parent ? parent : ".";

    private static bool IsPath(string label) => !label.StartsWith('(');
}
