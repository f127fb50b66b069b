using System.Diagnostics;
using Nono.Core.Capabilities;
using FileStatus = Nono.Core.Snapshots.Native.FileStatus;
using Fs = Nono.Core.Snapshots.Native.Fs;
using Native = Nono.Core.Snapshots.Native.Interop;
using RawName = Nono.Core.Snapshots.Native.RawName;
using SafeFd = Nono.Core.Snapshots.Native.SafeFd;

namespace Nono.Core.Sandbox;

public static partial class SandboxPlanner
{
    /// <summary>Where host configuration (and its secrets) lives; the only tree walked for root-only entries.</summary>
    private const string ConfigurationRoot = "/etc";

    /// <summary>At most this many entries are looked at per run (/etc holds one to a few thousand).</summary>
    private const int RootOnlyBudget = 20_000;

    /// <summary>Directories deeper than this below a grant are not walked.</summary>
    private const int RootOnlyDepth = 8;

    /// <summary>
    /// A root command keeps uid 0 when its capabilities are dropped, so it still reads root's own files that nobody else
    /// may read (review S5): keys under /etc/ssl/private, pg_hba.conf, sudoers.d, polkit rules, keystores. The deny list
    /// names some; this catches the rest without a list. When the command runs as root, every grant under /etc that
    /// comes from a built-in group (never a user's own --read) is walked (bounded: <see cref="RootOnlyBudget"/> entries,
    /// <see cref="RootOnlyDepth"/> levels, no link followed) and each entry that others cannot read (a file without o+r,
    /// a directory without o+rx) but uid 0 or one of the command's groups can becomes a deny, carved like any other;
    /// the walk does not enter it. What the bounds leave unwalked is denied too (fail secure), with a note naming it.
    /// </summary>
    private static List<FsDeny> RootOnlyDenies(CapabilitySet capabilities, EnforcementOptions options, List<string> notes)
    {
        return options.RunsAsRoot && OperatingSystem.IsLinux() ? RootOnlyDenies(capabilities, notes) : [];
    }

    /// <summary>The root-only denies a command run by this process's user would get (<c>nono why</c> models them).</summary>
    internal static List<FsDeny> RootOnlyDeniesForThisUser(CapabilitySet capabilities) =>
        OperatingSystem.IsLinux() && Interop.Interop.GetUid() == 0 ? RootOnlyDenies(capabilities, []) : [];

    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private static List<FsDeny> RootOnlyDenies(CapabilitySet capabilities, List<string> notes)
    {
        List<FsDeny> found = [];

        long started = Stopwatch.GetTimestamp();
        RootOnlyWalk walk = new(CommandGroups(), capabilities.Denies, found);
        int budget = RootOnlyBudget;
        int walked = 0;
        foreach (FsGrant grant in capabilities.Grants)
        {
            if (!grant.Source.StartsWith("group:", StringComparison.Ordinal) || !SandboxPath.IsSameOrAncestor(ConfigurationRoot, grant.Path)
                || capabilities.Denies.Any(d => !d.WriteOnly && SandboxPath.IsSameOrAncestor(d.Path, grant.Path)))
            {
                continue;
            }

            string source = $"root-only under {grant.Path} [{grant.Source}]";
            int before = budget;
            WalkRootOnly(grant.Path, source, walk, ref budget);
            walked += Math.Max(0, before - Math.Max(0, budget));
        }

        foreach (string unwalked in walk.Unwalked)
        {
            notes.Add($"root-only check did not finish {unwalked} (budget {RootOnlyBudget} entries, depth {RootOnlyDepth}): what it did not look at there is denied");
        }

        if (walked > 0)
        {
            notes.Add($"root-only check: {walked} entries under {ConfigurationRoot} looked at in {Stopwatch.GetElapsedTime(started).TotalMilliseconds:0.0} ms, {found.Count} not readable by others denied (the command runs as root)");
        }

        return found;
    }

    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private static void WalkRootOnly(string grant, string source, RootOnlyWalk walk, ref int budget)
    {
        using SafeFd root = Fs.OpenRootForLookup();
        using SafeFd? opened = Fs.TryOpenBeneath(root, RawName.FromString(grant.TrimStart('/')), Native.O_PATH, out _);
        if (opened is null || !Fs.TryStatAt(opened, "", out FileStatus top, out _) || top.IsSymlink)
        {
            return; // gone or swapped since it was resolved: the ruleset builder refuses it
        }

        if (walk.IsRootOnly(top))
        {
            walk.Found.Add(new FsDeny(grant, Describe(source, top)));
            return;
        }

        using SafeFd? directory = top.IsDirectory ? Fs.TryOpenAt(opened, ".", Native.O_RDONLY | Native.O_DIRECTORY, 0, out _) : null;
        if (directory is not null)
        {
            WalkRootOnly(directory, grant, 1, source, walk, ref budget);
        }
    }

    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private static void WalkRootOnly(SafeFd directory, string path, int depth, string source, RootOnlyWalk walk, ref int budget)
    {
        List<FsDeny> found = walk.Found;
        IReadOnlyList<FsDeny> denies = walk.Denies;
        List<string> names = Fs.ReadDirectory(directory);
        for (int i = 0; i < names.Count; i++)
        {
            string name = names[i];
            if (--budget < 0)
            {
                walk.DenyUnwalked(path, names[i..], source);
                return;
            }

            if (!Fs.TryStatAt(directory, name, out FileStatus status, out _) || status.IsSymlink)
            {
                continue; // gone, or a link: the kernel checks what it points at, which has its own mode
            }

            bool rootOnly = walk.IsRootOnly(status);
            if (RawName.ToUtf8OrNull(name) is not string text)
            {
                if (rootOnly)
                {
                    // A name that is not UTF-8 cannot be written as a deny: its directory is denied instead (fail secure).
                    found.Add(new FsDeny(path, Describe(source, status)));
                    return;
                }

                continue;
            }

            string entry = path.TrimEnd('/') + "/" + text;
            if (rootOnly)
            {
                // One already denied (the group's own list) keeps its own reason.
                if (!denies.Any(d => !d.WriteOnly && SandboxPath.IsSameOrAncestor(d.Path, entry)))
                {
                    found.Add(new FsDeny(entry, Describe(source, status)));
                }
            }
            else if (status.IsDirectory && depth >= RootOnlyDepth)
            {
                walk.DenyUnwalked(path, [name], source);
            }
            else if (status.IsDirectory)
            {
                using SafeFd? child = Fs.TryOpenAt(directory, name, Native.O_RDONLY | Native.O_DIRECTORY | Native.O_NOFOLLOW, 0, out _);
                if (child is not null)
                {
                    WalkRootOnly(child, entry, depth + 1, source, walk, ref budget);
                }
            }
        }
    }

    private static string Describe(string source, FileStatus status) =>
        $"{source}: mode {Convert.ToString(status.Permissions, 8)}, owner {status.Uid}:{status.Gid}, not readable by others";
}
