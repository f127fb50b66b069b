using System.Runtime.Versioning;
using Nono.Core.Capabilities;

namespace Nono.Core.Sandbox;

public static partial class SandboxPlanner
{
    /// <summary>Where host configuration (and its secrets) lives; the only tree walked for root-only entries.</summary>
    internal const string ConfigurationRoot = "/etc";

    /// <summary>At most this many entries are looked at per run (/etc holds one to a few thousand).</summary>
    internal const int RootOnlyBudget = 20_000;

    /// <summary>Directories deeper than this below a grant are not walked.</summary>
    internal const int RootOnlyDepth = 8;

    /// <summary>
    /// A root command keeps uid 0 when its capabilities are dropped, so it still reads root's own files that nobody else
    /// may read (review S5): keys under /etc/ssl/private, pg_hba.conf, sudoers.d, polkit rules, keystores. The deny list
    /// names some; this catches the rest without a list. When the command runs as root, every grant under /etc that
    /// comes from a built-in group (never a user's own --read) is walked (bounded: <see cref="RootOnlyBudget"/> entries,
    /// <see cref="RootOnlyDepth"/> levels, no link followed) and each entry that others cannot read (a file without o+r,
    /// a directory without o+rx) but uid 0 or one of the command's groups can becomes a deny, carved like any other;
    /// the walk does not enter it. What the bounds leave unwalked is denied too (fail secure), with a note naming it.
    /// A walk started ahead of the plan (<see cref="RootOnlyPrefetch"/>) is used where it is exactly the one the plan
    /// would make.
    /// </summary>
    private static List<FsDeny> RootOnlyDenies(CapabilitySet capabilities, EnforcementOptions options, List<string> notes)
    {
        return options.RunsAsRoot && OperatingSystem.IsLinux()
            ? RootOnlyDenies(capabilities, notes, options.RootOnlyPrefetch, ConfigurationRoot, RootOnlyBudget, RootOnlyDepth)
            : [];
    }

    /// <summary>The root-only denies a command run by this process's user would get (<c>nono why</c> models them).</summary>
    internal static List<FsDeny> RootOnlyDeniesForThisUser(CapabilitySet capabilities) =>
        OperatingSystem.IsLinux() && Interop.Interop.GetUid() == 0
            ? RootOnlyDenies(capabilities, [], null, ConfigurationRoot, RootOnlyBudget, RootOnlyDepth)
            : [];

    /// <summary>The walk with its bounds as parameters (tests walk a tree of their own with small bounds).</summary>
    [SupportedOSPlatform("linux")]
    internal static List<FsDeny> RootOnlyDenies(
        CapabilitySet capabilities, List<string> notes, RootOnlyPrefetch? prefetch, string configurationRoot, int budget, int maxDepth)
    {
        int limit = budget;
        List<FsDeny> found = [];
        List<string> unwalked = [];
        HashSet<uint> groups = CommandGroups();
        IReadOnlyDictionary<string, RootOnlyGrantWalk>? ahead = prefetch?.Take(groups, maxDepth);
        int walked = 0;
        TimeSpan elapsed = TimeSpan.Zero;
        foreach (FsGrant grant in capabilities.Grants)
        {
            if (!grant.Source.StartsWith("group:", StringComparison.Ordinal) || !SandboxPath.IsSameOrAncestor(configurationRoot, grant.Path)
                || capabilities.Denies.Any(d => !d.WriteOnly && SandboxPath.IsSameOrAncestor(d.Path, grant.Path)))
            {
                continue;
            }

            // The walk made ahead is the one this budget would make only if it never ran out and fits in what is left.
            RootOnlyGrantWalk walk = ahead?.GetValueOrDefault(grant.Path) is { } made && made.StandsInFor(budget, maxDepth)
                ? made
                : RootOnlyGrantWalk.Run(grant.Path, groups, budget, maxDepth);
            int before = budget;
            budget -= walk.Consumed;
            walked += Math.Max(0, before - Math.Max(0, budget));
            elapsed += walk.Elapsed;
            walk.AddTo(found, unwalked, $"root-only under {grant.Path} [{grant.Source}]", capabilities.Denies);
        }

        foreach (string directory in unwalked)
        {
            notes.Add($"root-only check did not finish {directory} (budget {limit} entries, depth {maxDepth}): what it did not look at there is denied");
        }

        if (walked > 0)
        {
            notes.Add($"root-only check: {walked} entries under {configurationRoot} looked at in {elapsed.TotalMilliseconds:0.0} ms, {found.Count} not readable by others denied (the command runs as root)");
        }

        return found;
    }
}
