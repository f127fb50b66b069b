using Fs = Nono.Core.Snapshots.Native.Interop;

namespace Nono.Core.Policy;

/// <summary>
/// The link and existence lookups of one policy resolution, each made once: the rules share prefixes (<c>/usr</c>,
/// <c>$HOME</c>, ...), and canonicalising each rule on its own did a <c>readlink</c> and a <c>stat</c> per component
/// of every path. Lives only as long as the resolution, so it sees the filesystem as the resolution does.
/// </summary>
internal sealed class PathLookups
{
    private readonly Dictionary<string, (bool Exists, string? Target)> _entries = new(StringComparer.Ordinal);

    /// <summary>The link target of <paramref name="path"/>, or null when it is no link (or cannot be looked up).</summary>
    public string? LinkTargetOrNull(ReadOnlySpan<char> path) => Lookup(path).Target;

    /// <summary>Whether <paramref name="path"/> exists (a link: whether it exists itself); false when it cannot be looked up.</summary>
    public bool Exists(ReadOnlySpan<char> path) => Lookup(path).Exists;

    private (bool Exists, string? Target) Lookup(ReadOnlySpan<char> path)
    {
        // Looked up by span: a key string is made only the first time a path is seen.
        Dictionary<string, (bool, string?)>.AlternateLookup<ReadOnlySpan<char>> entries = _entries.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!entries.TryGetValue(path, out (bool Exists, string? Target) entry))
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
    private static (bool Exists, string? Target) Inspect(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            string? link = PolicyPath.LinkTargetOrNull(path);
            return (link is not null || Path.Exists(path), link);
        }

        if (TypeOf(path) is not uint type)
        {
            return (false, null);
        }

        if (type != Fs.S_IFLNK)
        {
            return (true, null);
        }

        // A link removed or replaced since the lstat: answer as the two separate lookups did.
        string? target = PolicyPath.LinkTargetOrNull(path);
        return (target is not null || Path.Exists(path), target);
    }

    /// <summary>The file type bits of <paramref name="path"/> itself (links not followed), or null when the lookup fails.</summary>
    private static unsafe uint? TypeOf(string path)
    {
        const uint StatxType = 0x1;
        int max = System.Text.Encoding.UTF8.GetMaxByteCount(path.Length) + 1;
        Span<byte> z = max <= 1024 ? stackalloc byte[max] : new byte[max];
        z[System.Text.Encoding.UTF8.GetBytes(path, z)] = 0;
        Fs.statx_buf buffer;
        fixed (byte* p = z)
        {
            // SAFETY: z is pinned and NUL-terminated for the call; buffer is a local struct statx the call fills.
            if (Fs.Libc.statx(Fs.AT_FDCWD, p, Fs.AT_SYMLINK_NOFOLLOW, StatxType, &buffer) != 0)
            {
                return null;
            }
        }

        return buffer.stx_mode & Fs.S_IFMT;
    }
}
