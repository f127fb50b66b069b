namespace Nono.Core.Sandbox;

/// <summary>
/// Which process containment tiers work here, found by trying them (<see cref="SandboxLauncher.ProbePidNamespace"/>,
/// <see cref="CgroupLeaf.Probe"/>), with the reason for each one that does not.
/// </summary>
public sealed record ProcessContainmentSupport
{
    /// <summary>Whether a private PID + mount namespace with its own /proc can be set up.</summary>
    public required bool PidNamespace { get; init; }

    /// <summary>Why not (empty when it can).</summary>
    public string PidNamespaceProblem { get; init; } = "";

    /// <summary>Whether nono can create a cgroup v2 leaf with <c>cgroup.kill</c> next to its own cgroup.</summary>
    public required bool Cgroup { get; init; }

    /// <summary>Why not (empty when it can).</summary>
    public string CgroupProblem { get; init; } = "";

    /// <summary>The strongest tier available.</summary>
    public ProcessContainment Best =>
        PidNamespace ? ProcessContainment.PidNamespace : Cgroup ? ProcessContainment.Cgroup : ProcessContainment.DirectChild;

    /// <summary>Human-readable lines.</summary>
    public IEnumerable<string> Describe()
    {
        yield return PidNamespace ? "pid namespace: available" : $"pid namespace: NOT available: {PidNamespaceProblem}";
        yield return Cgroup ? "cgroup leaf with cgroup.kill: available" : $"cgroup leaf with cgroup.kill: NOT available: {CgroupProblem}";
        yield return ProcessContainments.Describe(Best);
    }
}
