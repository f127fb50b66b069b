using Nono.Core.Capabilities;
using Nono.Core.Sandbox;

namespace Nono.Core.Tests.Sandbox;

public sealed class ProcessContainmentsTests
{
    [Theory]
    [InlineData(ProcessContainment.PidNamespace, "pidns")]
    [InlineData(ProcessContainment.Cgroup, "cgroup")]
    [InlineData(ProcessContainment.DirectChild, "direct-child")]
    public void Name_RoundTripsThroughParse(ProcessContainment containment, string name)
    {
        Assert.Equal(name, ProcessContainments.Name(containment));
        Assert.Equal(containment, ProcessContainments.Parse(name));
        Assert.StartsWith($"process containment: {name} (", ProcessContainments.Describe(containment));
    }

    [Fact]
    public void Parse_UnknownName_ReturnsNull() => Assert.Null(ProcessContainments.Parse("pid-namespace"));

    [Theory]
    [InlineData(true, true, ProcessContainment.PidNamespace)]
    [InlineData(true, false, ProcessContainment.PidNamespace)]
    [InlineData(false, true, ProcessContainment.Cgroup)]
    [InlineData(false, false, ProcessContainment.DirectChild)]
    public void Best_PrefersPidNamespaceThenCgroup(bool pidns, bool cgroup, ProcessContainment best) =>
        Assert.Equal(best, new ProcessContainmentSupport { PidNamespace = pidns, Cgroup = cgroup }.Best);

    [Fact]
    public void Plan_CarriesTheChosenContainmentAndStatesIt()
    {
        SandboxSupport support = SandboxSupport.Probe();
        Assert.SkipUnless(support.CanEnforce, "needs Landlock and seccomp");

        SandboxPlan plan = SandboxPlanner.Plan(new CapabilitySet(), new EnforcementOptions { Support = support, Containment = ProcessContainment.Cgroup }).Plan!;
        SandboxPlan unset = SandboxPlanner.Plan(new CapabilitySet(), new EnforcementOptions { Support = support }).Plan!;

        Assert.Equal(ProcessContainment.Cgroup, plan.Containment);
        Assert.Contains(ProcessContainments.Describe(ProcessContainment.Cgroup), plan.Describe());
        Assert.Equal(ProcessContainment.DirectChild, unset.Containment);
    }
}
