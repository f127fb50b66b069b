using Nono.Core.Capabilities;

namespace Nono.Core.Sandbox;

public static partial class SandboxPlanner
{
    private const string DevPtmx = "/dev/ptmx";
    private const string DevPtsPtmx = "/dev/pts/ptmx";

    /// <summary>
    /// Grants that reach /dev/pts (every user's terminals, by name: a same-uid command could open the user's other
    /// terminals and read their keystrokes). The pidns containment mounts a private devpts instance over /dev/pts, so the
    /// grant reaches only ptys the command makes. The other containments have no mount namespace: there /dev/pts is
    /// narrowed to the terminals on stdin, stdout and stderr (none in CI), also out of a broader grant (/dev, /: carved
    /// around /dev/pts), and new ptys cannot be opened; /dev/ptmx is then withheld too (a pty made there would be of no
    /// use, and making them could exhaust the host's ptys) unless the command line grants it as a file. The notes say so.
    /// </summary>
    private static List<FsGrant> ScopeDevPts(List<FsGrant> grants, EnforcementOptions options, CarveBook book, List<string> notes, List<string> scopedBy, List<string> problems)
    {
        bool reachesDevPts = grants.Any(g => !g.IsFile && SandboxPath.IsSameOrAncestor(g.Path, SandboxPath.DevPts));
        if (options.Containment == ProcessContainment.PidNamespace)
        {
            if (reachesDevPts)
            {
                scopedBy.Add($"terminals scoped by a private devpts instance on {SandboxPath.DevPts} (the user's other terminals are not in it; new ptys are)");
            }

            return grants;
        }

        string containment = ProcessContainments.Name(options.Containment);
        // Plain loops here: in the AOT build a LINQ chain (Where then Select) is resolved at run time on first use, a
        // visible part of the plan.
        List<string> terminals = [];
        foreach (string device in options.TerminalDevices)
        {
            if (SandboxPath.IsStrictAncestor(SandboxPath.DevPts, device) && !terminals.Contains(device))
            {
                terminals.Add(device);
            }
        }

        List<FsGrant> narrowed = [];
        HashSet<string> terminalsGranted = new(StringComparer.Ordinal);
        foreach (FsGrant grant in grants)
        {
            // Grants arrive resolved: where /dev/ptmx links to pts/ptmx (Docker, container jobs) the grant names that
            // (review of session 10).
            bool ptmx = SandboxPath.IsSame(grant.Path, DevPtmx) || SandboxPath.IsSame(grant.Path, DevPtsPtmx);
            if (grant.IsFile && ptmx && !IsCommandLineGrant(grant))
            {
                notes.Add($"grant {grant.Path} [{grant.Source}] withheld: the {containment} containment cannot give the command ptys of its own (they would be the host's, and making them could exhaust them); "
                    + $"grant it with --allow-file {DevPtmx}, or use the pidns containment");
                continue;
            }

            if (grant.IsFile && !ptmx && SandboxPath.IsStrictAncestor(SandboxPath.DevPts, grant.Path) && !terminals.Contains(grant.Path) && !IsCommandLineGrant(grant))
            {
                notes.Add($"grant {grant.Path} [{grant.Source}] withheld: another terminal than the ones on stdin, stdout or stderr");
                continue;
            }

            if (grant.IsFile || !SandboxPath.IsSameOrAncestor(grant.Path, SandboxPath.DevPts))
            {
                narrowed.Add(grant);
                continue;
            }

            if (!SandboxPath.IsSame(grant.Path, SandboxPath.DevPts) && OperatingSystem.IsLinux())
            {
                // A broader grant: everything in it but /dev/pts (and its /dev/ptmx, which only a file grant brings back).
                List<FsGrant> siblings = Expand(grant, new FsDeny(SandboxPath.DevPts, "terminals outside the pidns containment"), book, notes, problems);
                narrowed.AddRange(siblings.Where(s => !SandboxPath.IsSame(s.Path, DevPtmx)));
            }

            // Terminals keep the access of the grant that reached them (the first one, if several did).
            foreach (string terminal in terminals)
            {
                if (terminalsGranted.Add(terminal))
                {
                    narrowed.Add(grant with { Path = terminal, IsFile = true, Source = $"{grant.Source}, narrowed from {grant.Path}" });
                }
            }

            string under = SandboxPath.IsSame(grant.Path, SandboxPath.DevPts) ? "" : $" under {SandboxPath.DevPts}";
            notes.Add($"grant {grant.Path} [{grant.Source}] narrowed to {(terminals.Count == 0 ? "nothing (no terminal on stdin, stdout or stderr)" : $"the terminal on stdin, stdout or stderr ({string.Join(", ", terminals)})")}{under}: "
                + $"the {containment} containment has no mount namespace for a private devpts, so the user's other terminals stay out of reach and new ptys (openpty, script) cannot be opened; the pidns containment allows them");
        }

        return narrowed;
    }

    /// <summary>
    /// A file grant the user wrote on the command line (<c>--allow-file</c>, <c>--read-file</c>, <c>--write-file</c>; a
    /// profile's grant of the same file adds its own source before it), not a profile's or a carved sibling's.
    /// </summary>
    private static bool IsCommandLineGrant(FsGrant grant) =>
        grant.Source.Split(", ").Any(s => s.StartsWith("--", StringComparison.Ordinal) && s.EndsWith("-file", StringComparison.Ordinal));
}
