using Nono.Core.Capabilities;
using Nono.Core.Sandbox;

namespace Nono.Core.Tests.Sandbox;

/// <summary>
/// /proc/sysvipc lists the System V IPC objects of the reader's IPC namespace: the host's in cgroup and direct-child
/// without the netns tier. Landlock cannot withhold it from a /proc grant (carving /proc would leave the command's own
/// /proc/PID entries, made after the rules, without a rule), so the plan says so where it is readable, and only there.
/// </summary>
public sealed class SandboxPlanSysvIpcTests
{
    private static SandboxPlan Plan(ProcessContainment containment, string grant, NetworkMode network = NetworkMode.Allow)
    {
        SandboxSupport support = SandboxSupport.Probe();
        Assert.SkipUnless(support.LandlockAbi >= 6 && support.SeccompFilter, "needs Landlock ABI 6 and seccomp filters");
        PlanResult result = SandboxPlanner.Plan(new CapabilitySet { Grants = [new FsGrant(grant, FsAccess.Read, false, "test")], Network = network }, new EnforcementOptions
        {
            Support = support,
            NetworkNamespace = NetworkNamespaceSupport.Works,
            Containment = containment,
            MetadataSupervisor = true,
        });
        Assert.True(result.Succeeded, string.Join("; ", result.Problems));
        return result.Plan!;
    }

    [Theory]
    [InlineData(ProcessContainment.Cgroup, "/proc", true)]
    [InlineData(ProcessContainment.DirectChild, "/proc", true)]
    [InlineData(ProcessContainment.DirectChild, "/", true, "/proc")] // / is carved around /dev/pts: /proc is a listed sibling
    [InlineData(ProcessContainment.PidNamespace, "/proc", false)]
    [InlineData(ProcessContainment.DirectChild, "/usr", false)]
    public void Plan_SysvIpcListing_SaidWhereTheHostsIsReadable(ProcessContainment containment, string grant, bool readable, string? rule = null)
    {
        IReadOnlyList<string> described = [.. Plan(containment, grant).Describe()];

        Assert.Equal(readable, described.Contains(
            $"ipc: /proc/sysvipc is readable through the grant {rule ?? grant} and lists the HOST's System V IPC objects in this containment "
            + "(keys, ids, owners, sizes; not their contents): Landlock cannot withhold it without withholding /proc/self (only pidns or the netns tier make it private)"));
    }

    [Fact]
    public void Plan_SysvIpcListing_NotSaidInTheNetworkNamespaceTier()
    {
        SandboxPlan plan = Plan(ProcessContainment.DirectChild, "/proc", NetworkMode.Block);

        Assert.Equal(NetworkTier.IsolatedNamespace, plan.NetworkTier);
        Assert.DoesNotContain(plan.Describe(), l => l.Contains("/proc/sysvipc", StringComparison.Ordinal));
    }
}
