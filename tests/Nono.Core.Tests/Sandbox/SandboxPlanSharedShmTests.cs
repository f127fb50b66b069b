using Nono.Core.Capabilities;
using Nono.Core.Sandbox;

namespace Nono.Core.Tests.Sandbox;

/// <summary>
/// /dev/shm holds POSIX shared memory and semaphores as files: only pidns makes it private (a tmpfs of its own when a
/// writable grant covers it). Elsewhere a grant reaching it reaches the host's, and the plan says so (review of s13-userns).
/// </summary>
public sealed class SandboxPlanSharedShmTests
{
    private static SandboxPlan Plan(ProcessContainment containment, params FsGrant[] grants)
    {
        SandboxSupport support = SandboxSupport.Probe();
        Assert.SkipUnless(support.LandlockAbi >= 6 && support.SeccompFilter, "needs Landlock ABI 6 and seccomp filters");
        PlanResult result = SandboxPlanner.Plan(new CapabilitySet { Grants = grants }, new EnforcementOptions
        {
            Support = support,
            Containment = containment,
            MetadataSupervisor = true,
        });
        Assert.True(result.Succeeded, string.Join("; ", result.Problems));
        return result.Plan!;
    }

    [Theory]
    [InlineData(ProcessContainment.Cgroup)]
    [InlineData(ProcessContainment.DirectChild)]
    public void Plan_ShmGrantOutsidePidns_SaysItIsSharedWithTheHost(ProcessContainment containment)
    {
        string[] readWrite = [.. Plan(containment, new FsGrant("/dev/shm", FsAccess.ReadWrite, false, "p")).Describe()];
        string[] readOnly = [.. Plan(containment, new FsGrant("/dev/shm", FsAccess.Read, false, "p")).Describe()];

        Assert.Contains(readWrite, l => l.StartsWith("ipc: /dev/shm is SHARED with the host in this containment", StringComparison.Ordinal) && l.Contains("readable and writable", StringComparison.Ordinal));
        Assert.Contains(readOnly, l => l.StartsWith("ipc: /dev/shm is SHARED with the host", StringComparison.Ordinal) && l.Contains("are readable through", StringComparison.Ordinal));
    }

    [Fact]
    public void Plan_PidnsWithWritableShm_OrNoShmGrant_SaysNothing()
    {
        Assert.DoesNotContain(Plan(ProcessContainment.PidNamespace, new FsGrant("/dev/shm", FsAccess.ReadWrite, false, "p")).Describe(),
            l => l.Contains("/dev/shm is SHARED", StringComparison.Ordinal));
        Assert.DoesNotContain(Plan(ProcessContainment.DirectChild).Describe(), l => l.Contains("/dev/shm is SHARED", StringComparison.Ordinal));
        Assert.Contains(Plan(ProcessContainment.PidNamespace, new FsGrant("/dev/shm", FsAccess.Read, false, "p")).Describe(),
            l => l.Contains("/dev/shm is SHARED", StringComparison.Ordinal)); // read-only: no private tmpfs, the host's stays visible
    }
}
