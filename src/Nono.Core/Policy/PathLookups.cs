using Fs = Nono.Core.Snapshots.Native.Interop;

namespace Nono.Core.Policy;

/// <summary>
/// The link and existence lookups of one policy resolution, each made once: the rules share prefixes (<c>/usr</c>,
/// <c>$HOME</c>, ...), and canonicalising each rule on its own did a <c>readlink</c> and a <c>stat</c> per component
/// of every path. Lives only as long as the resolution, so it sees the filesystem as the resolution does.
/// </summary>
internal sealed class PathLookups
{
    private const int ENOENT = 2;
    private const int ENOTDIR = 20;

    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>The link target of <paramref name="path"/>, or null when it is no link (or cannot be looked up).</summary>
    public string? LinkTargetOrNull(ReadOnlySpan<char> path) => Lookup(path).Target;

    /// <summary>Whether <paramref name="path"/> exists (a link: whether it exists itself); false when it cannot be looked up.</summary>
    public bool Exists(ReadOnlySpan<char> path) => Lookup(path).Exists;

    /// <summary>
    /// Whether <paramref name="path"/> is a directory and whether it is a file (anything else), as <see cref="Directory.Exists"/>
    /// and <see cref="File.Exists"/> answer, from a lookup already made of it when that lookup found no link (a canonical
    /// path's last component, which the canonicalisation looked up); null when there is none (the caller asks the two).
    /// </summary>
    public (bool IsDirectory, bool IsFile)? KindIfLookedUp(string path) =>
        _entries.TryGetValue(path, out Entry entry) && entry.Type is uint type && type != Fs.S_IFLNK
            ? (type == Fs.S_IFDIR, type != Fs.S_IFDIR)
            : null;

    private Entry Lookup(ReadOnlySpan<char> path)
    {
        // Looked up by span: a key string is made only the first time a path is seen.
        Dictionary<string, Entry>.AlternateLookup<ReadOnlySpan<char>> entries = _entries.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!entries.TryGetValue(path, out Entry entry))
        {
            string key = path.ToString();
            entry = Inspect(key);
            _entries[key] = entry;
        }

        return entry;
    }

    /// <summary>
    /// One <c>lstat</c> per component (a <c>readlink</c> only for a link) where the old lookup made a <c>readlink</c> and
    /// a <c>stat</c>. Same answers: a component that cannot be looked up (missing, not a directory, no search permission)
    /// does not exist and is no link.
    /// </summary>
    private static Entry Inspect(string path)
    {
        // Anything the lstat cannot answer the old way (a NUL in the path, an unusual error) takes the old two lookups,
        // so their answers and exceptions stay exactly as they were.
        if (!OperatingSystem.IsLinux() || path.Contains('\0'))
        {
            return ReadlinkThenExists(path);
        }

        if (TypeOf(path, out int errno) is not uint type)
        {
            // Only where readlink cannot succeed either: an EACCES from a security module or a seccomp profile that refuses
            // the attribute lookup but allows readlink would otherwise leave a link unresolved (review of s9-startup).
            return errno is ENOENT or ENOTDIR ? new Entry(false, null, null) : ReadlinkThenExists(path);
        }

        // A link: its target (and, should it be gone since the lstat, the old answer for that) from the old lookups.
        return type == Fs.S_IFLNK ? ReadlinkThenExists(path) : new Entry(true, null, type);
    }

    private static Entry ReadlinkThenExists(string path)
    {
        string? link = PolicyPath.LinkTargetOrNull(path);
        return new Entry(link is not null || Path.Exists(path), link, null);
    }

    /// <summary>One lookup's answer; <paramref name="Type"/> is the file type bits where an lstat found something that is no link.</summary>
    private readonly record struct Entry(bool Exists, string? Target, uint? Type);

    /// <summary>The file type bits of <paramref name="path"/> itself (links not followed), or null with the errno.</summary>
    internal static unsafe uint? TypeOf(string path, out int errno)
    {
        const uint StatxType = 0x1;
        const int AtNoAutomount = 0x800; // as lstat(2) behaves: an existence check must not trigger (or hang on) an automount
        errno = 0;
        int max = System.Text.Encoding.UTF8.GetMaxByteCount(path.Length) + 1;
        Span<byte> z = max <= 1024 ? stackalloc byte[max] : new byte[max];
        z[System.Text.Encoding.UTF8.GetBytes(path, z)] = 0;
        Fs.statx_buf buffer;
        fixed (byte* p = z)
        {
            // SAFETY: z is pinned and NUL-terminated for the call; buffer is a local struct statx the call fills.
            if (Fs.Libc.statx(Fs.AT_FDCWD, p, Fs.AT_SYMLINK_NOFOLLOW | AtNoAutomount, StatxType, &buffer) != 0)
            {
                errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
                return null;
            }
        }

        return buffer.stx_mode & Fs.S_IFMT;
    }
}
