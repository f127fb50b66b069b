namespace Nono.Core.Sandbox;

/// <summary>Names of <see cref="ProcessContainment"/> values as users read and type them (<c>NONO_CONTAINMENT</c>).</summary>
public static class ProcessContainments
{
    /// <summary>The kebab-case name: <c>pidns</c>, <c>cgroup</c>, <c>direct-child</c>.</summary>
    public static string Name(ProcessContainment containment) => containment switch
    {
        ProcessContainment.PidNamespace => "pidns",
        ProcessContainment.Cgroup => "cgroup",
        ProcessContainment.DirectChild => "direct-child",
        _ => throw new ArgumentOutOfRangeException(nameof(containment)),
    };

    /// <summary>The containment named <paramref name="name"/>, or null when it names none.</summary>
    public static ProcessContainment? Parse(string name) => name switch
    {
        "pidns" => ProcessContainment.PidNamespace,
        "cgroup" => ProcessContainment.Cgroup,
        "direct-child" => ProcessContainment.DirectChild,
        _ => null,
    };

    /// <summary>One line saying what dies with nono and, for the weaker tiers, what does not.</summary>
    public static string Describe(ProcessContainment containment) => containment switch
    {
        ProcessContainment.PidNamespace => "process containment: pidns (private PID namespace and /proc; the whole tree dies with nono or when the command exits; host processes are invisible)",
        ProcessContainment.Cgroup => "process containment: cgroup (cgroup v2 leaf killed with cgroup.kill when the command exits or nono dies; host processes stay visible in /proc)",
        ProcessContainment.DirectChild => "process containment: direct-child (WEAKER: only the command dies with nono; a grandchild that daemonizes survives; host processes stay visible in /proc)",
        _ => throw new ArgumentOutOfRangeException(nameof(containment)),
    };
}
