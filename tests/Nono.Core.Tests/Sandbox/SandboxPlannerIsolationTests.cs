using Nono.Core.Capabilities;
using Nono.Core.Sandbox;

namespace Nono.Core.Tests.Sandbox;

/// <summary>
/// User namespaces are refused in every containment unless nested-user-namespaces; System V IPC and POSIX message queues
/// only where the host's IPC namespace is shared (cgroup, direct-child), unless shared-ipc. Each opt-in is in force (and
/// said so) only where it weakens something.
/// </summary>
public sealed class SandboxPlannerIsolationTests
{
    private static SandboxPlan Plan(ProcessContainment containment, params WeakerMode[] weaker)
    {
        SandboxSupport support = SandboxSupport.Probe();
        Assert.SkipUnless(support.LandlockAbi >= 6 && support.SeccompFilter, "needs Landlock ABI 6 and seccomp filters");
        PlanResult result = SandboxPlanner.Plan(new CapabilitySet(), new EnforcementOptions
        {
            Support = support,
            AllowedWeakerModes = new HashSet<WeakerMode>(weaker),
            Containment = containment,
            MetadataSupervisor = true,
        });
        Assert.True(result.Succeeded, string.Join("; ", result.Problems));
        return result.Plan!;
    }

    [Theory]
    [InlineData(ProcessContainment.PidNamespace, false)]
    [InlineData(ProcessContainment.Cgroup, true)]
    [InlineData(ProcessContainment.DirectChild, true)]
    public void Plan_Default_RefusesUserNamespacesAndSharedIpc(ProcessContainment containment, bool sharesHostIpc)
    {
        SandboxPlan plan = Plan(containment);

        Assert.True(plan.RefusesUserNamespaces);
        Assert.Equal(sharesHostIpc, plan.RefusesSharedIpc);
        Assert.Empty(plan.WeakerModes);
        Assert.Contains("user namespaces: refused (unshare and clone with CLONE_NEWUSER fail with EPERM)", plan.Describe());
        Assert.Contains(sharesHostIpc
            ? "ipc: System V IPC and POSIX message queues refused (this containment shares the host's IPC namespace)"
            : "ipc: a private IPC namespace (System V IPC and POSIX message queues reach only the sandbox's own)", plan.Describe());
    }

    [Theory]
    [InlineData(ProcessContainment.PidNamespace, false)]
    [InlineData(ProcessContainment.Cgroup, true)]
    [InlineData(ProcessContainment.DirectChild, true)]
    public void Plan_OptIns_AreInForceOnlyWhereTheyWeakenSomething(ProcessContainment containment, bool sharesHostIpc)
    {
        SandboxPlan plan = Plan(containment, WeakerMode.NestedUserNamespaces, WeakerMode.SharedIpc);

        Assert.False(plan.RefusesUserNamespaces);
        Assert.False(plan.RefusesSharedIpc);
        Assert.Equal(sharesHostIpc ? [WeakerMode.NestedUserNamespaces, WeakerMode.SharedIpc] : [WeakerMode.NestedUserNamespaces], plan.WeakerModes);
        Assert.Contains(plan.Describe(), l => l.StartsWith("user namespaces: ALLOWED (--allow-weaker nested-user-namespaces", StringComparison.Ordinal));
        Assert.Equal(sharesHostIpc, plan.Describe().Contains("ipc: System V IPC and POSIX message queues SHARED with the host (--allow-weaker shared-ipc)"));
    }

    [Fact]
    public void Plan_NetworkNamespaceTier_HasAPrivateIpcNamespace()
    {
        SandboxSupport support = SandboxSupport.Probe();
        Assert.SkipUnless(support.LandlockAbi >= 6 && support.SeccompFilter, "needs Landlock ABI 6 and seccomp filters");
        SandboxPlan plan = SandboxPlanner.Plan(new CapabilitySet { Network = NetworkMode.Block }, new EnforcementOptions
        {
            Support = support,
            AllowedWeakerModes = new HashSet<WeakerMode> { WeakerMode.SharedIpc },
            NetworkNamespace = NetworkNamespaceSupport.Works,
            Containment = ProcessContainment.DirectChild,
        }).Plan!;

        Assert.Equal(NetworkTier.IsolatedNamespace, plan.NetworkTier);
        Assert.False(plan.RefusesSharedIpc);
        Assert.DoesNotContain(WeakerMode.SharedIpc, plan.WeakerModes);
        Assert.Contains("ipc: a private IPC namespace (System V IPC and POSIX message queues reach only the sandbox's own)", plan.Describe());
    }
}
