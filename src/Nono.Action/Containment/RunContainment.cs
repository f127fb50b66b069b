using System.Runtime.Versioning;
using Nono.Action.Cli;
using Nono.Core.Sandbox;

namespace Nono.Action.Containment;

/// <summary>
/// Which <see cref="ProcessContainment"/> a <c>nono run</c> gets: the strongest that works here (the PID namespace when
/// <see cref="NamespaceEvidence"/> says it works, else probed), or the one
/// <c>NONO_CONTAINMENT</c> forces for tests and diagnosis (a forced tier that does not work is a problem, never a
/// silent downgrade).
/// </summary>
[SupportedOSPlatform("linux")]
internal static class RunContainment
{
    /// <summary>Forces a tier: <c>pidns</c>, <c>cgroup</c> or <c>direct-child</c>.</summary>
    public const string Variable = "NONO_CONTAINMENT";

    /// <summary>Why a run that needs the whole tree gone at the end (action mode) refuses direct-child, and what to do about it.</summary>
    public const string TreeContainmentRequired =
        "process containment: direct-child cannot end a daemonised grandchild with the command, which could then change .git/config or hooks "
        + "after nono checked them; action mode refuses to run this way. Remedy: allow unprivileged user namespaces for the PID namespace "
        + "(ubuntu-24.04: the AppArmor profile in docs/network-tiers.md), or run nono as root or with a delegated cgroup v2 for the cgroup "
        + "containment; 'nono setup --check-only' shows which works here";

    /// <summary>
    /// The tier to use; problems (a bad or unavailable forced tier) are added, never thrown. <paramref name="trustEvidence"/>
    /// false (<c>nono setup</c>) always probes, so the diagnosis never repeats a wrong reading of the evidence.
    /// </summary>
    public static ProcessContainment Choose(CliContext context, List<string> problems, bool trustEvidence = true)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(problems);
        string? forced = context.GetEnv(Variable);
        if (string.IsNullOrEmpty(forced))
        {
            // No probe fork when the evidence says the PID namespace works; if it fails after all, the launch fails.
            return trustEvidence && NamespaceEvidence.ProbeNeeded() is null ? ProcessContainment.PidNamespace : Probe(cgroupToo: false).Best;
        }

        if (ProcessContainments.Parse(forced) is not ProcessContainment wanted)
        {
            problems.Add($"{Variable}={forced} is not a process containment (pidns, cgroup, direct-child)");
            return ProcessContainment.DirectChild;
        }

        if (wanted == ProcessContainment.DirectChild || (wanted == ProcessContainment.PidNamespace && trustEvidence && NamespaceEvidence.ProbeNeeded() is null))
        {
            return wanted;
        }

        ProcessContainmentSupport support = Probe(cgroupToo: true);
        string? problem = wanted switch
        {
            ProcessContainment.PidNamespace when !support.PidNamespace => support.PidNamespaceProblem,
            ProcessContainment.Cgroup when !support.Cgroup => support.CgroupProblem,
            _ => null,
        };
        if (problem is not null)
        {
            problems.Add($"{Variable}={forced}, but it is not available: {problem}");
        }

        return wanted;
    }

    /// <summary>
    /// Probes the tiers. The cgroup probe (it creates and removes a cgroup) runs only when asked or when the PID
    /// namespace does not work.
    /// </summary>
    public static ProcessContainmentSupport Probe(bool cgroupToo)
    {
        (bool pidns, string pidnsProblem) = SandboxLauncher.ProbePidNamespace();
        (bool cgroup, string cgroupProblem) = pidns && !cgroupToo ? (false, "not probed (the PID namespace works)") : CgroupLeaf.Probe();
        return new ProcessContainmentSupport
        {
            PidNamespace = pidns,
            PidNamespaceProblem = pidnsProblem,
            Cgroup = cgroup,
            CgroupProblem = cgroupProblem,
        };
    }
}
