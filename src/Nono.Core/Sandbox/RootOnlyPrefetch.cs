using System.Runtime.Versioning;

namespace Nono.Core.Sandbox;

/// <summary>
/// The root-only walk (review S5) started before the plan, on a thread of its own, so it overlaps the profile's
/// resolution and the probes instead of adding its ~1,300 statx calls to the start of every root run. The caller names
/// the grants it expects the plan to walk (the built-in groups' grants under /etc); the plan takes a walk only for a
/// grant it really walks, made with the same groups and depth, that fits in the budget the plan has left at that point
/// (<see cref="RootOnlyGrantWalk.StandsInFor"/>). Anything else the plan walks itself, as before. A wrong guess therefore
/// costs only the wasted background work, never a result made for other inputs.
/// </summary>
/// <remarks>
/// The walk reads the tree a few milliseconds earlier than the plan did. That is no weaker: the walk was always a
/// snapshot taken before the launch (the ruleset is built later still), so an entry changed after the snapshot was never
/// caught; the earlier start only moves that snapshot within the same run, before any of the command's code exists.
/// </remarks>
[SupportedOSPlatform("linux")]
public sealed class RootOnlyPrefetch
{
    private readonly Func<IEnumerable<string>> _grants;
    private readonly int _maxDepth;
    private readonly int _budget;
    private readonly Thread _thread;
    private Dictionary<string, RootOnlyGrantWalk>? _walks;
    private HashSet<uint>? _groups;

    private RootOnlyPrefetch(Func<IEnumerable<string>> grants, int maxDepth, int budget)
    {
        _grants = grants;
        _maxDepth = maxDepth;
        _budget = budget;
        _thread = new Thread(Walk) { IsBackground = true, Name = "nono root-only walk" };
    }

    /// <summary>
    /// Starts walking those of <paramref name="grants"/> under /etc (evaluated on the walking thread) when this process runs as root, whose
    /// commands the plan walks for; null otherwise. Pass it to the plan (<see cref="EnforcementOptions.RootOnlyPrefetch"/>).
    /// </summary>
    public static RootOnlyPrefetch? StartForRoot(Func<IEnumerable<string>> grants)
    {
        ArgumentNullException.ThrowIfNull(grants);
        return Interop.Interop.GetUid() == 0 ? Start(() => grants().Where(UnderConfigurationRoot), SandboxPlanner.RootOnlyDepth) : null;
    }

    /// <summary>A plain path under /etc: one the plan may walk (the plan's grants are canonical, without variables or wildcards).</summary>
    private static bool UnderConfigurationRoot(string path) =>
        path.IndexOfAny(['$', '~', '*', '?']) < 0 && SandboxPath.IsSameOrAncestor(SandboxPlanner.ConfigurationRoot, path);

    /// <summary>Starts walking <paramref name="grants"/>, each with <paramref name="budget"/> entries at most (tests pass small bounds).</summary>
    internal static RootOnlyPrefetch Start(Func<IEnumerable<string>> grants, int maxDepth, int budget = SandboxPlanner.RootOnlyBudget)
    {
        RootOnlyPrefetch prefetch = new(grants, maxDepth, budget);
        prefetch._thread.Start();
        return prefetch;
    }

    /// <summary>
    /// Waits for the walk, then the walks by granted path, or null when they were made for other groups than
    /// <paramref name="groups"/> or another depth bound, or failed (the plan then walks everything itself).
    /// </summary>
    internal IReadOnlyDictionary<string, RootOnlyGrantWalk>? Take(HashSet<uint> groups, int maxDepth)
    {
        _thread.Join();
        return _walks is not null && _groups is not null && _groups.SetEquals(groups) && maxDepth == _maxDepth ? _walks : null;
    }

    private void Walk()
    {
        try
        {
            HashSet<uint> groups = SandboxPlanner.CommandGroups();
            Dictionary<string, RootOnlyGrantWalk> walks = new(StringComparer.Ordinal);
            foreach (string grant in _grants())
            {
                if (!walks.ContainsKey(grant))
                {
                    walks[grant] = RootOnlyGrantWalk.Run(grant, groups, _budget, _maxDepth);
                }
            }

            _groups = groups;
            _walks = walks;
        }
        catch (Exception)
        {
            // Not a fallback to anything weaker: without walks the plan walks every grant itself, where the same failure
            // surfaces as it always did. An exception must not escape a thread of its own (it would end the process).
            _walks = null;
        }
    }
}
