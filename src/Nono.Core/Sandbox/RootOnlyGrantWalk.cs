using System.Diagnostics;
using System.Runtime.Versioning;
using Nono.Core.Capabilities;
using FileStatus = Nono.Core.Snapshots.Native.FileStatus;
using Fs = Nono.Core.Snapshots.Native.Fs;
using Native = Nono.Core.Snapshots.Native.Interop;
using RawName = Nono.Core.Snapshots.Native.RawName;
using SafeFd = Nono.Core.Snapshots.Native.SafeFd;

namespace Nono.Core.Sandbox;

/// <summary>
/// The root-only walk of one grant (<see cref="SandboxPlanner"/>'s RootOnlyDenies), kept apart from what the plan adds
/// later: the grant's source (only in the reasons) and the plan's denies (which only drop findings). What it finds
/// depends on the grant's path, the command's groups, the depth bound, the tree and the budget; when the budget never
/// runs out, the same walk with any budget of at least <see cref="Consumed"/> finds exactly the same, which lets a
/// walk made ahead of the plan (<see cref="RootOnlyPrefetch"/>) stand in for one made in it.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class RootOnlyGrantWalk
{
    /// <summary>getdents64's d_type of a symbolic link.</summary>
    private const byte DT_LNK = 10;

    private readonly HashSet<uint> _groups;
    private readonly int _maxDepth;
    private int _budget;

    private RootOnlyGrantWalk(string grant, HashSet<uint> groups, int budget, int maxDepth)
    {
        Grant = grant;
        _groups = groups;
        _budget = budget;
        StartBudget = budget;
        _maxDepth = maxDepth;
    }

    /// <summary>The granted path walked.</summary>
    public string Grant { get; }

    /// <summary>The depth bound it was walked with.</summary>
    public int MaxDepth => _maxDepth;

    /// <summary>The budget it started with.</summary>
    public int StartBudget { get; }

    /// <summary>Budget units used (past <see cref="StartBudget"/> when it ran out: one per directory level it then gave up).</summary>
    public int Consumed => StartBudget - _budget;

    /// <summary>Whether the budget ran out during this walk.</summary>
    public bool Exhausted => _budget < 0;

    /// <summary>What it found, in walk order.</summary>
    public List<RootOnlyFinding> Findings { get; } = [];

    /// <summary>Directories the bounds left partly unwalked, in walk order.</summary>
    public List<string> Unwalked { get; } = [];

    /// <summary>How long the walk took.</summary>
    public TimeSpan Elapsed { get; private set; }

    /// <summary>
    /// Whether this walk, made with <see cref="StartBudget"/>, is exactly the walk the plan would make with
    /// <paramref name="budget"/> left and <paramref name="maxDepth"/>: it never ran out and needed no more than that.
    /// </summary>
    public bool StandsInFor(int budget, int maxDepth) => !Exhausted && Consumed <= budget && maxDepth == _maxDepth;

    /// <summary>Walks <paramref name="grant"/> with the command's <paramref name="groups"/>, at most <paramref name="budget"/> entries.</summary>
    public static RootOnlyGrantWalk Run(string grant, HashSet<uint> groups, int budget, int maxDepth)
    {
        long started = Stopwatch.GetTimestamp();
        RootOnlyGrantWalk walk = new(grant, groups, budget, maxDepth);
        walk.WalkGrant();
        walk.Elapsed = Stopwatch.GetElapsedTime(started);
        return walk;
    }

    /// <summary>
    /// Adds the denies this walk stands for to <paramref name="found"/> (each with <paramref name="source"/> in its reason),
    /// except entries an existing deny already covers (they keep their own reason), and the unwalked directories to
    /// <paramref name="unwalked"/>.
    /// </summary>
    public void AddTo(List<FsDeny> found, List<string> unwalked, string source, IReadOnlyList<FsDeny> denies)
    {
        List<string>? fullDenies = null; // normalised, made for the first finding an existing deny may cover
        foreach (RootOnlyFinding finding in Findings)
        {
            if (!finding.UnlessDenied || !IsCovered(finding.Path, fullDenies ??= FullDenyKeys(denies)))
            {
                found.Add(new FsDeny(finding.Path, finding.Reason(source)));
            }
        }

        unwalked.AddRange(Unwalked);
    }

    private static List<string> FullDenyKeys(IReadOnlyList<FsDeny> denies)
    {
        List<string> keys = new(denies.Count);
        foreach (FsDeny deny in denies)
        {
            if (!deny.WriteOnly)
            {
                keys.Add(SandboxPath.Normalize(deny.Path));
            }
        }

        return keys;
    }

    private static bool IsCovered(string path, List<string> fullDenyKeys)
    {
        string key = SandboxPath.Normalize(path);
        foreach (string deny in fullDenyKeys)
        {
            if (SandboxPath.IsSameOrAncestorNormalized(deny, key))
            {
                return true;
            }
        }

        return false;
    }

    private void WalkGrant()
    {
        using SafeFd root = Fs.OpenRootForLookup();
        using SafeFd? opened = Fs.TryOpenBeneath(root, RawName.FromString(Grant.TrimStart('/')), Native.O_PATH, out _);
        if (opened is null || !Fs.TryStatAt(opened, "", out FileStatus top, out _) || top.IsSymlink)
        {
            return; // gone or swapped since it was resolved: the ruleset builder refuses it
        }

        if (IsRootOnly(top))
        {
            Findings.Add(RootOnlyFinding.Of(Grant, top, unlessDenied: false));
            return;
        }

        using SafeFd? directory = top.IsDirectory ? Fs.TryOpenAt(opened, ".", Native.O_RDONLY | Native.O_DIRECTORY, 0, out _) : null;
        if (directory is not null)
        {
            Walk(directory, Grant, 1);
        }
    }

    private void Walk(SafeFd directory, string path, int depth)
    {
        List<byte> types = new(64);
        List<string> names = Fs.ReadDirectory(directory, types: types);
        for (int i = 0; i < names.Count; i++)
        {
            string name = names[i];
            if (--_budget < 0)
            {
                SkipUnwalked(path, names[i..]);
                return;
            }

            // A link as getdents lists it needs no statx to be passed over (/etc is two thirds links: rc?.d, alternatives,
            // ssl/certs); DT_UNKNOWN and every other type is looked at as before.
            if (types[i] == DT_LNK || !Fs.TryStatAt(directory, name, out FileStatus status, out _) || status.IsSymlink)
            {
                continue; // gone, or a link: the kernel checks what it points at, which has its own mode
            }

            bool rootOnly = IsRootOnly(status);
            if (RawName.ToUtf8OrNull(name) is not string text)
            {
                if (rootOnly)
                {
                    // A name that is not UTF-8 cannot be written as a deny: its directory is denied instead (fail secure).
                    Findings.Add(RootOnlyFinding.Of(path, status, unlessDenied: false));
                    return;
                }

                continue;
            }

            string entry = path.TrimEnd('/') + "/" + text;
            if (rootOnly)
            {
                Findings.Add(RootOnlyFinding.Of(entry, status, unlessDenied: true));
            }
            else if (status.IsDirectory && depth >= _maxDepth)
            {
                SkipUnwalked(path, [name]);
            }
            else if (status.IsDirectory)
            {
                using SafeFd? child = Fs.TryOpenAt(directory, name, Native.O_RDONLY | Native.O_DIRECTORY | Native.O_NOFOLLOW, 0, out _);
                if (child is not null)
                {
                    Walk(child, entry, depth + 1);
                }
            }
        }
    }

    /// <summary>Not readable by others (a directory: not listable and searchable), but by owner 0 or a group of the command.</summary>
    private bool IsRootOnly(FileStatus status)
    {
        uint others = status.IsDirectory ? 0b101u : 0b100u;
        return (status.Permissions & others) != others && (status.Uid == 0 || _groups.Contains(status.Gid))
            && (status.IsDirectory || status.IsRegular);
    }

    /// <summary>
    /// The bounds left <paramref name="names"/> in <paramref name="directory"/> unlooked at: each is denied (fail secure;
    /// a non-UTF-8 name denies the directory), and the directory is named in a note.
    /// </summary>
    private void SkipUnwalked(string directory, IEnumerable<string> names)
    {
        Unwalked.Add(directory);
        foreach (string name in names)
        {
            if (RawName.ToUtf8OrNull(name) is not string text)
            {
                Findings.Add(RootOnlyFinding.NotWalked(directory, unlessDenied: false));
                return;
            }

            Findings.Add(RootOnlyFinding.NotWalked(directory.TrimEnd('/') + "/" + text, unlessDenied: true));
        }
    }
}
