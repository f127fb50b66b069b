using Nono.Core.Capabilities;
using Nono.Core.Sandbox;

namespace Nono.Core.Tests.Sandbox;

/// <summary>
/// The /dev/pts grant names every terminal of the user. The pidns containment mounts a private devpts over it (the grant
/// stays and the scope is stated); the containments without a mount namespace narrow it to the terminals on fds 0-2.
/// </summary>
public sealed class SandboxPlannerDevPtsTests
{
    private static readonly FsGrant DevPts = new("/dev/pts", FsAccess.Read | FsAccess.Write, false, "group:system_read_linux");

    private static SandboxPlan Plan(ProcessContainment containment, params string[] terminals)
    {
        Assert.SkipUnless(SandboxSupport.Probe().KernelLandlockAbi >= 6, "the kernel has no Landlock ABI 6");
        PlanResult result = SandboxPlanner.Plan(new CapabilitySet { Grants = [DevPts] }, new EnforcementOptions
        {
            Support = SandboxSupport.Probe(6),
            Containment = containment,
            TerminalAttached = terminals.Length > 0,
            TerminalDevices = terminals,
        });
        Assert.True(result.Succeeded, string.Join("; ", result.Problems));
        return result.Plan!;
    }

    [Fact]
    public void Plan_PidNamespace_KeepsTheGrantOnThePrivateInstance()
    {
        SandboxPlan plan = Plan(ProcessContainment.PidNamespace, "/dev/pts/3");

        LandlockPathRule rule = Assert.Single(plan.PathRules);
        Assert.Equal(("/dev/pts", false), (rule.Path, rule.IsFile));
        Assert.Contains(plan.NamespaceScopes, s => s.StartsWith("terminals scoped by a private devpts instance", StringComparison.Ordinal));
        Assert.Empty(plan.Notes);
    }

    [Theory]
    [InlineData(ProcessContainment.DirectChild)]
    [InlineData(ProcessContainment.Cgroup)]
    public void Plan_NoMountNamespace_NarrowsToTheTerminalsOnStdio(ProcessContainment containment)
    {
        SandboxPlan plan = Plan(containment, "/dev/pts/3", "/dev/pts/3", "/dev/tty1");

        LandlockPathRule rule = Assert.Single(plan.PathRules); // duplicates once, a terminal outside /dev/pts is not granted
        Assert.Equal(("/dev/pts/3", true), (rule.Path, rule.IsFile));
        Assert.True((rule.Access & LandlockFs.IoctlDev) != 0);
        Assert.DoesNotContain(plan.NamespaceScopes, s => s.Contains("devpts", StringComparison.Ordinal));
        Assert.Contains(plan.Notes, n => n.Contains("narrowed to the terminal on stdin, stdout or stderr (/dev/pts/3)") && n.Contains("new ptys"));
    }

    [Theory]
    [InlineData(ProcessContainment.DirectChild)]
    [InlineData(ProcessContainment.Cgroup)]
    public void Plan_NoMountNamespaceNoTerminal_GrantsNoTerminal(ProcessContainment containment)
    {
        SandboxPlan plan = Plan(containment);

        Assert.Empty(plan.PathRules);
        Assert.Contains(plan.Notes, n => n.Contains("narrowed to nothing (no terminal on stdin, stdout or stderr)"));
    }
}
