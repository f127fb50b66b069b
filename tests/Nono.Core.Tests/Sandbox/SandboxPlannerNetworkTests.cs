using Nono.Core.Capabilities;
using Nono.Core.Sandbox;

namespace Nono.Core.Tests.Sandbox;

public sealed class SandboxPlannerNetworkTests
{
    private static readonly NetworkNamespaceSupport s_unavailable =
        NetworkNamespaceSupport.Unavailable("user namespaces unusable: unshare(CLONE_NEWUSER|CLONE_NEWNET) failed: test reason");

    private static PlanResult Plan(NetworkMode mode, NetworkNamespaceSupport? netns, int abi = 7, params WeakerMode[] weaker)
    {
        Assert.SkipUnless(SandboxSupport.Probe().KernelLandlockAbi >= abi, $"the kernel has no Landlock ABI {abi}");
        CapabilitySet caps = new() { Network = mode, ProxyPort = mode == NetworkMode.Proxy ? 3128 : null };
        return SandboxPlanner.Plan(caps, new EnforcementOptions
        {
            Support = SandboxSupport.Probe(abi),
            AllowedWeakerModes = new HashSet<WeakerMode>(weaker),
            NetworkNamespace = netns,
        });
    }

    [Fact]
    public void Plan_ProxyWithNamespace_UsesTheNamespaceTier()
    {
        SandboxPlan plan = Plan(NetworkMode.Proxy, NetworkNamespaceSupport.Works).Plan!;

        Assert.Equal(NetworkTier.IsolatedNamespace, plan.NetworkTier);
        Assert.Empty(plan.WeakerModes);
        Assert.Contains(plan.Describe(), l => l.StartsWith("network tier: netns", StringComparison.Ordinal));
        Assert.Equal([3128, 53], plan.ConnectPorts); // 53: the DNS trap's TCP listener, the only one on that port in the namespace
        Assert.Equal([0], plan.BindPorts); // an ephemeral port inside the namespace (dig binds before it connects)
    }

    [Fact]
    public void Plan_ProxyWithoutNamespaceOrOptIn_RefusesWithReasonAndOptIn()
    {
        PlanResult result = Plan(NetworkMode.Proxy, s_unavailable);

        Assert.False(result.Succeeded);
        string problem = Assert.Single(result.Problems);
        Assert.Contains("test reason", problem);
        Assert.Contains("--allow-weaker proxy-without-netns", problem);
    }

    [Fact]
    public void Plan_ProxyWithoutNamespaceWithOptIn_FallsBackAndReportsWeaker()
    {
        SandboxPlan plan = Plan(NetworkMode.Proxy, s_unavailable, 7, WeakerMode.ProxyWithoutNetns).Plan!;

        Assert.Equal(NetworkTier.LandlockTcpPort, plan.NetworkTier);
        Assert.Equal([WeakerMode.ProxyWithoutNetns], plan.WeakerModes);
        Assert.Contains(plan.Describe(), l => l.Contains("landlock-tcp (WEAKER", StringComparison.Ordinal));
        Assert.Equal([3128], plan.ConnectPorts); // never port 53 here: it would reach the host's resolvers
        Assert.Empty(plan.BindPorts); // a bound port here would be on the host's network
    }

    [Fact]
    public void Plan_ProxyFallbackOnAbi3_NeedsBothOptIns()
    {
        PlanResult refused = Plan(NetworkMode.Proxy, s_unavailable, 3, WeakerMode.ProxyWithoutNetns, WeakerMode.UnscopedSignals);
        PlanResult namespaced = Plan(NetworkMode.Proxy, NetworkNamespaceSupport.Works, 3, WeakerMode.UnscopedSignals);

        Assert.Contains(refused.Problems, p => p.Contains("proxy-any-tcp-port", StringComparison.Ordinal));
        Assert.True(namespaced.Succeeded); // the namespace does not depend on Landlock's network rules
    }

    [Theory]
    [InlineData(true, NetworkTier.IsolatedNamespace)]
    [InlineData(false, NetworkTier.SeccompBlock)]
    public void Plan_Block_UsesNamespaceWhenAvailableElseSeccomp(bool available, NetworkTier expected)
    {
        PlanResult result = Plan(NetworkMode.Block, available ? NetworkNamespaceSupport.Works : s_unavailable);

        Assert.True(result.Succeeded);
        Assert.Equal(expected, result.Plan!.NetworkTier);
        Assert.Empty(result.Plan.WeakerModes);
    }

    [Fact]
    public void Plan_NotProbed_NeverUsesTheNamespace()
    {
        // nono wrap passes no probe: its multithreaded process cannot unshare a user namespace.
        Assert.Equal(NetworkTier.SeccompBlock, Plan(NetworkMode.Block, null).Plan!.NetworkTier);
    }

    [Fact]
    public void FromFailure_AppArmorRestrictedAfterUnshare_NamesTheProfileRemedy()
    {
        NetworkNamespaceSupport ns = NetworkNamespaceSupport.FromFailure("ioctl(SIOCSIFFLAGS, lo up)", 1, afterUnshare: true, "1", "/usr/local/bin/nono");

        Assert.False(ns.Available);
        Assert.True(ns.AppArmorRestricted);
        Assert.Contains("kernel.apparmor_restrict_unprivileged_userns=1", ns.Reason);
        Assert.Contains("ioctl(SIOCSIFFLAGS, lo up)", ns.Reason);
        Assert.Contains("profile nono /usr/local/bin/nono flags=(unconfined) {", ns.Remedy);
        Assert.Contains("userns,", ns.Remedy);
        Assert.Contains("not by switching the restriction off machine-wide", ns.Remedy);
    }

    /// <summary>A refused clone that also carried the PID-namespace tier's flags names them, and its limits in the remedy.</summary>
    [Fact]
    public void FromFailure_CloneWithPidnsFlagsAtALimit_NamesThePidAndMountLimitsToo()
    {
        NetworkNamespaceSupport ns = NetworkNamespaceSupport.FromFailure(NetworkNamespaceSupport.CloneWithPidnsStep, 28, afterUnshare: false, null, "/usr/local/bin/nono");

        Assert.Contains("clone(CLONE_NEWUSER|CLONE_NEWNET|CLONE_NEWIPC|CLONE_NEWPID|CLONE_NEWNS) failed", ns.Reason);
        Assert.Contains("user.max_pid_namespaces and user.max_mnt_namespaces", ns.Remedy);
        Assert.DoesNotContain("max_pid", NetworkNamespaceSupport.FromFailure(NetworkNamespaceSupport.CloneStep, 28, false, null, "nono").Remedy);
        Assert.NotNull(NetworkNamespaceSupport.FromFailure(NetworkNamespaceSupport.CloneWithPidnsStep, 1, false, null, "nono").Remedy);
    }

    [Theory]
    [InlineData(null, 1)] // no sysctl: not AppArmor
    [InlineData("0", 1)] // restriction off
    [InlineData("1", 28)] // restriction on, but not a permission error
    public void FromFailure_OtherCauses_AreNotBlamedOnAppArmor(string? sysctl, int errno)
    {
        NetworkNamespaceSupport ns = NetworkNamespaceSupport.FromFailure("unshare(CLONE_NEWUSER|CLONE_NEWNET)", errno, afterUnshare: false, sysctl, "/usr/local/bin/nono");

        Assert.False(ns.AppArmorRestricted);
        Assert.DoesNotContain("AppArmor", ns.ToString());
        Assert.Contains($"errno {errno}", ns.Reason);
    }
}
