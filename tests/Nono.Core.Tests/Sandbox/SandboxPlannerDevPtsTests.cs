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

    private static SandboxPlan Plan(ProcessContainment containment, params string[] terminals) => Plan([DevPts], containment, terminals);

    private static SandboxPlan Plan(FsGrant[] grants, ProcessContainment containment, params string[] terminals)
    {
        Assert.SkipUnless(SandboxSupport.Probe().KernelLandlockAbi >= 6, "the kernel has no Landlock ABI 6");
        PlanResult result = SandboxPlanner.Plan(new CapabilitySet { Grants = grants }, new EnforcementOptions
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

    [Theory]
    [InlineData(ProcessContainment.DirectChild, "/dev")]
    [InlineData(ProcessContainment.Cgroup, "/dev")]
    [InlineData(ProcessContainment.DirectChild, "/")]
    public void Plan_NoMountNamespace_BroaderGrantIsCarvedAroundDevPts(ProcessContainment containment, string broader)
    {
        SandboxPlan plan = Plan([new FsGrant(broader, FsAccess.Read | FsAccess.Write, false, "--allow")], containment, "/dev/pts/3");

        string[] paths = [.. plan.PathRules.Select(r => r.Path)];
        Assert.DoesNotContain(broader, paths);
        Assert.DoesNotContain("/dev/pts", paths);
        Assert.DoesNotContain("/dev/ptmx", paths); // carved siblings never bring it back
        Assert.Contains("/dev/null", paths);
        Assert.Contains("/dev/shm", paths);
        Assert.Equal(("/dev/pts/3", true), plan.PathRules.Where(r => r.Path.StartsWith("/dev/pts", StringComparison.Ordinal)).Select(r => (r.Path, r.IsFile)).Single());
        Assert.Contains(plan.Notes, n => n.Contains($"grant {broader} [--allow] narrowed to the terminal on stdin, stdout or stderr (/dev/pts/3) under /dev/pts"));
    }

    [Fact]
    public void Plan_PidNamespace_BroaderGrantIsKeptWhole()
    {
        SandboxPlan plan = Plan([new FsGrant("/dev", FsAccess.Read | FsAccess.Write, false, "--allow")], ProcessContainment.PidNamespace);

        Assert.Equal("/dev", Assert.Single(plan.PathRules).Path);
        Assert.Contains(plan.NamespaceScopes, s => s.StartsWith("terminals scoped by a private devpts instance", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(ProcessContainment.DirectChild, "group:system_read_linux", false)]
    [InlineData(ProcessContainment.Cgroup, "group:system_read_linux", false)]
    [InlineData(ProcessContainment.DirectChild, "group:system_read_linux, --allow-file", true)]
    [InlineData(ProcessContainment.DirectChild, "--allow, carved around deny /dev/null", false)]
    [InlineData(ProcessContainment.PidNamespace, "group:system_read_linux", true)]
    public void Plan_Ptmx_WithheldOutsidePidnsUnlessGrantedOnTheCommandLine(ProcessContainment containment, string source, bool kept)
    {
        SandboxPlan plan = Plan([new FsGrant("/dev/ptmx", FsAccess.Read | FsAccess.Write, true, source)], containment);

        Assert.Equal(kept, plan.PathRules.Any(r => r.Path == "/dev/ptmx"));
        Assert.Equal(!kept, plan.Notes.Any(n => n.StartsWith($"grant /dev/ptmx [{source}] withheld", StringComparison.Ordinal) && n.Contains("--allow-file /dev/ptmx")));
    }

    [Theory]
    [InlineData(ProcessContainment.DirectChild, "/dev/pts/ptmx", false)] // /dev/ptmx -> pts/ptmx (Docker), resolved
    [InlineData(ProcessContainment.Cgroup, "/dev/pts/ptmx", false)]
    [InlineData(ProcessContainment.PidNamespace, "/dev/pts/ptmx", true)]
    public void Plan_FileGrantsUnderDevPts_WithheldOutsidePidns(ProcessContainment containment, string path, bool kept)
    {
        SandboxPlan plan = Plan([new FsGrant(path, FsAccess.Read | FsAccess.Write, true, "group:system_read_linux")], containment);

        Assert.Equal(kept, plan.PathRules.Any(r => r.Path == path));
        Assert.Equal(!kept, plan.Notes.Any(n => n.StartsWith($"grant {path} [group:system_read_linux] withheld", StringComparison.Ordinal)));
    }
}
