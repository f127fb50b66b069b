using Nono.Core.Capabilities;
using Nono.Core.Sandbox;

namespace Nono.Core.Tests.Sandbox;

/// <summary>
/// On Landlock ABI &lt; 6 the private PID namespace, with a session of its own, stands in for the signal scope; with a
/// terminal attached (no session of its own) and in every other containment the <c>unscoped-signals</c> opt-in is still
/// needed, and ABI 6 needs no stand-in at all.
/// </summary>
public sealed class SandboxPlannerScopeTests
{
    private static PlanResult Plan(int abi, ProcessContainment containment, params WeakerMode[] weaker) => Plan(abi, containment, false, weaker);

    private static PlanResult Plan(int abi, ProcessContainment containment, bool terminal, params WeakerMode[] weaker)
    {
        Assert.SkipUnless(SandboxSupport.Probe().KernelLandlockAbi >= abi, $"the kernel has no Landlock ABI {abi}");
        return SandboxPlanner.Plan(new CapabilitySet(), new EnforcementOptions
        {
            Support = SandboxSupport.Probe(abi),
            AllowedWeakerModes = new HashSet<WeakerMode>(weaker),
            Containment = containment,
            TerminalAttached = terminal,
        });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(5)]
    public void Plan_OlderAbiInPidNamespace_SignalsScopedWithoutOptIn(int abi)
    {
        PlanResult result = Plan(abi, ProcessContainment.PidNamespace, WeakerMode.UnrestrictedTruncate);

        Assert.True(result.Succeeded, string.Join("; ", result.Problems));
        Assert.DoesNotContain(WeakerMode.UnscopedSignals, result.Plan!.WeakerModes);
        string scope = $"signals scoped by the PID namespace and a session of its own (Landlock ABI {abi} has no signal scoping)";
        Assert.Equal([scope], result.Plan.NamespaceScopes);
        Assert.Contains(result.Plan.Describe(), l => l.Trim() == scope);
        Assert.True(result.Plan.OwnSession); // the launch's setsid: what makes the claim true
        Assert.Contains(result.Plan.Describe(), l => l.Trim().StartsWith("session: its own (setsid", StringComparison.Ordinal));
        Assert.Contains(result.Plan.Describe(), l => l.Trim().StartsWith("mounts: mode, owner, time and xattr changes confined to the writable grants", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public void Plan_OlderAbiInPidNamespaceWithTerminal_KeepsTheSessionAndNeedsTheOptIn(int abi)
    {
        PlanResult refused = Plan(abi, ProcessContainment.PidNamespace, terminal: true);
        PlanResult accepted = Plan(abi, ProcessContainment.PidNamespace, terminal: true, WeakerMode.UnscopedSignals);

        Assert.Contains(refused.Problems, p => p.Contains("only without a terminal on stdin, stdout or stderr") && p.Contains("--allow-weaker unscoped-signals"));
        Assert.Contains(WeakerMode.UnscopedSignals, accepted.Plan!.WeakerModes);
        Assert.Empty(accepted.Plan.NamespaceScopes);
        Assert.False(accepted.Plan.OwnSession); // interactive programs keep their terminal
    }

    [Theory]
    [InlineData(ProcessContainment.Cgroup, false)]
    [InlineData(ProcessContainment.DirectChild, false)]
    [InlineData(ProcessContainment.PidNamespace, true)]
    public void Plan_OwnSession_OnlyInThePidNamespaceWithoutTerminal(ProcessContainment containment, bool expected)
    {
        Assert.Equal(expected, Plan(6, containment).Plan!.OwnSession);
        Assert.False(Plan(6, containment, terminal: true).Plan!.OwnSession);
    }

    [Theory]
    [InlineData(ProcessContainment.Cgroup)]
    [InlineData(ProcessContainment.DirectChild)]
    public void Plan_OlderAbiOtherContainment_StillNeedsTheOptIn(ProcessContainment containment)
    {
        PlanResult refused = Plan(5, containment);
        PlanResult accepted = Plan(5, containment, WeakerMode.UnscopedSignals);

        Assert.Contains(refused.Problems, p => p.Contains("--allow-weaker unscoped-signals"));
        Assert.Contains(WeakerMode.UnscopedSignals, accepted.Plan!.WeakerModes);
        Assert.Empty(accepted.Plan.NamespaceScopes);
        Assert.False(accepted.Plan.OwnSession);
    }

    [Fact]
    public void Plan_Abi6InPidNamespace_LandlockScopesNoStandIn()
    {
        SandboxPlan plan = Plan(6, ProcessContainment.PidNamespace).Plan!;

        Assert.Empty(plan.WeakerModes);
        Assert.Empty(plan.NamespaceScopes);
        Assert.NotEqual(0UL, plan.Scoped & LandlockRights.ScopeSignal);
    }

    [Fact]
    public void Plan_OlderAbiUnixSocketsInNetworkNamespace_AbstractScopedWithoutOptIn()
    {
        Assert.SkipUnless(SandboxSupport.Probe().KernelLandlockAbi >= 5, "the kernel has no Landlock ABI 5");
        CapabilitySet caps = new() { Network = NetworkMode.Block, AllowUnixSockets = true };
        EnforcementOptions netns = new()
        {
            Support = SandboxSupport.Probe(5),
            NetworkNamespace = NetworkNamespaceSupport.Works,
            Containment = ProcessContainment.PidNamespace,
        };

        PlanResult scoped = SandboxPlanner.Plan(caps, netns);
        PlanResult refused = SandboxPlanner.Plan(caps, netns with { NetworkNamespace = NetworkNamespaceSupport.Unavailable("test") });

        Assert.True(scoped.Succeeded, string.Join("; ", scoped.Problems));
        Assert.Empty(scoped.Plan!.WeakerModes);
        Assert.Contains("abstract UNIX sockets scoped by the network namespace (Landlock ABI 5 has no abstract-socket scoping)", scoped.Plan.NamespaceScopes);
        Assert.Contains(refused.Problems, p => p.Contains("--allow-weaker unscoped-abstract-unix"));
    }
}
