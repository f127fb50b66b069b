using Nono.Core.Capabilities;

namespace Nono.Core.Sandbox;

public static partial class SandboxPlanner
{
    /// <summary>
    /// The /dev/pts grant (every user's terminals, by name: a same-uid command could open the user's other terminals and
    /// read their keystrokes). The pidns containment mounts a private devpts instance over /dev/pts, so the grant reaches
    /// only ptys the command makes. The other containments have no mount namespace: there the grant is narrowed to the
    /// terminals on stdin, stdout and stderr (none in CI), and new ptys cannot be opened; the note says so.
    /// </summary>
    private static List<FsGrant> ScopeDevPts(List<FsGrant> grants, EnforcementOptions options, List<string> notes, List<string> scopedBy)
    {
        if (!grants.Any(g => !g.IsFile && SandboxPath.IsSame(g.Path, SandboxPath.DevPts)))
        {
            return grants;
        }

        if (options.Containment == ProcessContainment.PidNamespace)
        {
            scopedBy.Add($"terminals scoped by a private devpts instance on {SandboxPath.DevPts} (the user's other terminals are not in it; new ptys are)");
            return grants;
        }

        string[] terminals = [.. options.TerminalDevices.Where(d => SandboxPath.IsStrictAncestor(SandboxPath.DevPts, d)).Distinct(StringComparer.Ordinal)];
        List<FsGrant> narrowed = [];
        foreach (FsGrant grant in grants)
        {
            if (grant.IsFile || !SandboxPath.IsSame(grant.Path, SandboxPath.DevPts))
            {
                narrowed.Add(grant);
                continue;
            }

            narrowed.AddRange(terminals.Select(t => grant with { Path = t, IsFile = true, Source = $"{grant.Source}, narrowed from {SandboxPath.DevPts}" }));
            notes.Add($"grant {SandboxPath.DevPts} [{grant.Source}] narrowed to {(terminals.Length == 0 ? "nothing (no terminal on stdin, stdout or stderr)" : $"the terminal on stdin, stdout or stderr ({string.Join(", ", terminals)})")}: "
                + $"the {ProcessContainments.Name(options.Containment)} containment has no mount namespace for a private devpts, so the user's other terminals stay out of reach and new ptys (openpty, script) cannot be opened; the pidns containment allows them");
        }

        return narrowed;
    }
}
