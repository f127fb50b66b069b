using Nono.Core.Capabilities;
using Nono.Core.Sandbox;

namespace Nono.Core.Tests.Sandbox;

/// <summary>
/// Mode, owner, time and xattr calls are supervised by nono run in the cgroup and direct-child containments only; wrap
/// (no supervisor) and the opt-in say plainly that they are not confined, and a kernel without seccomp user notification
/// needs the opt-in.
/// </summary>
public sealed class SandboxPlannerMetadataTests
{
    private static PlanResult Plan(ProcessContainment containment, bool supervisor, bool userNotification = true, params WeakerMode[] weaker)
    {
        SandboxSupport support = SandboxSupport.Probe();
        Assert.SkipUnless(support.LandlockAbi >= 6 && support.SeccompFilter, "needs Landlock ABI 6 and seccomp filters");
        return SandboxPlanner.Plan(new CapabilitySet(), new EnforcementOptions
        {
            Support = support with { SeccompUserNotification = userNotification },
            AllowedWeakerModes = new HashSet<WeakerMode>(weaker),
            Containment = containment,
            MetadataSupervisor = supervisor,
        });
    }

    [Theory]
    [InlineData(ProcessContainment.Cgroup)]
    [InlineData(ProcessContainment.DirectChild)]
    public void Plan_RunWithoutPidNamespace_SupervisesMetadata(ProcessContainment containment)
    {
        SandboxPlan plan = Plan(containment, supervisor: true).Plan!;

        Assert.True(plan.SupervisesMetadata);
        Assert.Contains("metadata: mode, owner, time and xattr changes outside the writable grants refused (supervised by nono)", plan.Describe());
    }

    [Fact]
    public void Plan_Wrap_SaysMetadataIsNotConfined()
    {
        SandboxPlan plan = Plan(ProcessContainment.DirectChild, supervisor: false).Plan!;

        Assert.False(plan.SupervisesMetadata);
        Assert.Contains(plan.Describe(), l => l.StartsWith("metadata: mode, owner, time and xattr changes NOT confined (nono wrap", StringComparison.Ordinal));
    }

    [Fact]
    public void Plan_NoUserNotification_NeedsTheOptIn()
    {
        PlanResult refused = Plan(ProcessContainment.DirectChild, supervisor: true, userNotification: false);
        PlanResult accepted = Plan(ProcessContainment.DirectChild, true, false, WeakerMode.UnrestrictedMetadata);

        Assert.Contains(refused.Problems, p => p.Contains("--allow-weaker unrestricted-metadata", StringComparison.Ordinal));
        Assert.False(accepted.Plan!.SupervisesMetadata);
        Assert.Contains(WeakerMode.UnrestrictedMetadata, accepted.Plan.WeakerModes);
    }

    [Fact]
    public void Plan_PidNamespace_LeavesMetadataToItsMounts()
    {
        SandboxPlan plan = Plan(ProcessContainment.PidNamespace, supervisor: true).Plan!;

        Assert.False(plan.SupervisesMetadata);
        Assert.Null(plan.MetadataNotConfined);
    }
}
