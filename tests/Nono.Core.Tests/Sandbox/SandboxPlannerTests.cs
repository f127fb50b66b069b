using Nono.Core.Capabilities;
using Nono.Core.Sandbox;
using Nono.Testing;

namespace Nono.Core.Tests.Sandbox;

public sealed class SandboxPlannerTests
{
    private static PlanResult Plan(CapabilitySet caps, int abi, params WeakerMode[] weaker)
    {
        // Capping only lowers the ABI: a test of ABI n needs a kernel with at least n.
        Assert.SkipUnless(SandboxSupport.Probe().KernelLandlockAbi >= abi, $"the kernel has no Landlock ABI {abi}");
        return SandboxPlanner.Plan(caps, new EnforcementOptions { Support = SandboxSupport.Probe(abi), AllowedWeakerModes = new HashSet<WeakerMode>(weaker) });
    }

    private static CapabilitySet Grant(string path, FsAccess access, bool isFile = false) =>
        new() { Grants = [new FsGrant(path, access, isFile, "t")] };

    [Fact]
    public void Plan_ReadDirectory_GetsReadAndExecuteOnly()
    {
        using TempDirectory dir = new();

        SandboxPlan plan = Plan(Grant(dir.Path, FsAccess.Read), 7).Plan!;

        Assert.Equal(LandlockFs.ReadSet, Assert.Single(plan.PathRules).Access);
    }

    [Theory]
    [InlineData(1, false, false, false)]
    [InlineData(2, true, false, false)]
    [InlineData(3, true, true, false)]
    [InlineData(5, true, true, true)]
    public void Plan_WriteGrant_MaskedToAbi(int abi, bool refer, bool truncate, bool ioctl)
    {
        using TempDirectory dir = new();

        PlanResult result = Plan(Grant(dir.Path, FsAccess.ReadWrite), abi, WeakerMode.UnrestrictedTruncate, WeakerMode.UnscopedSignals);
        LandlockFs access = Assert.Single(result.Plan!.PathRules).Access;

        Assert.Equal(refer, access.HasFlag(LandlockFs.Refer));
        Assert.Equal(truncate, access.HasFlag(LandlockFs.Truncate));
        Assert.False(access.HasFlag(LandlockFs.IoctlDev)); // never outside /dev
        Assert.Equal(ioctl, result.Plan.HandledFs.HasFlag(LandlockFs.IoctlDev));
        Assert.Equal(LandlockRights.FsRights(abi), result.Plan.HandledFs);
    }

    [Fact]
    public void Plan_FileGrant_GetsOnlyFileRights()
    {
        using TempDirectory dir = new();
        string file = dir.Combine("f");
        File.WriteAllText(file, "x");

        LandlockFs access = Assert.Single(Plan(Grant(file, FsAccess.ReadWrite, isFile: true), 7).Plan!.PathRules).Access;

        Assert.Equal(LandlockFs.None, access & ~LandlockFs.FileRights);
        Assert.True(access.HasFlag(LandlockFs.WriteFile) && access.HasFlag(LandlockFs.ReadFile) && access.HasFlag(LandlockFs.Truncate));
    }

    [Fact]
    public void Plan_DevGrant_GetsIoctlOnlyThere()
    {
        LandlockFs access = Assert.Single(Plan(Grant("/dev/null", FsAccess.ReadWrite, isFile: true), 7).Plan!.PathRules).Access;

        Assert.True(access.HasFlag(LandlockFs.IoctlDev));
    }

    [Fact]
    public void Plan_DenyInsideGrant_ExpandsSiblingsAndNotesExpandedDirectories()
    {
        using TempDirectory home = new();
        Directory.CreateDirectory(home.Combine(".ssh"));
        Directory.CreateDirectory(home.Combine("a", "deep"));
        Directory.CreateDirectory(home.Combine("a", "other"));
        File.WriteAllText(home.Combine("file"), "x");
        File.CreateSymbolicLink(home.Combine("link"), "/etc");
        CapabilitySet caps = Grant(home.Path, FsAccess.ReadWrite) with
        {
            Denies = [new FsDeny(home.Combine(".ssh"), "d1"), new FsDeny(home.Combine("a", "deep"), "d2")],
        };

        SandboxPlan plan = Plan(caps, 7).Plan!;
        string[] paths = [.. plan.PathRules.Select(r => r.Path).Order(StringComparer.Ordinal)];

        Assert.Equal([home.Combine("a", "other"), home.Combine("file")], paths);
        Assert.True(plan.PathRules.Single(r => r.Path == home.Combine("file")).IsFile);
        Assert.Contains(plan.Notes, n => n.Contains(".ssh") && n.Contains(home.Path));
        Assert.Contains(plan.Notes, n => n.Contains("deep") && n.Contains(home.Combine("a")));
    }

    [Fact]
    public void Plan_DenyInsideGrant_GrantsHiddenSiblingsTypedFromTheListing()
    {
        using TempDirectory home = new();
        Directory.CreateDirectory(home.Combine(".ssh"));
        Directory.CreateDirectory(home.Combine(".config"));
        File.WriteAllText(home.Combine(".profile"), "x");
        File.CreateSymbolicLink(home.Combine(".hidden-link"), home.Combine(".config"));
        CapabilitySet caps = Grant(home.Path, FsAccess.Read) with { Denies = [new FsDeny(home.Combine(".ssh"), "d")] };

        SandboxPlan plan = Plan(caps, 7).Plan!;

        Assert.Equal([home.Combine(".config"), home.Combine(".profile")], plan.PathRules.Select(r => r.Path).Order(StringComparer.Ordinal));
        Assert.False(plan.PathRules.Single(r => r.Path == home.Combine(".config")).IsFile);
        Assert.True(plan.PathRules.Single(r => r.Path == home.Combine(".profile")).IsFile);
    }

    [Fact]
    public void Plan_DenyAtOrAboveGrant_RemovesGrant()
    {
        using TempDirectory dir = new();
        Directory.CreateDirectory(dir.Combine("sub"));
        CapabilitySet caps = new()
        {
            Grants = [new FsGrant(dir.Combine("sub"), FsAccess.Read, false, "g1"), new FsGrant(dir.Path, FsAccess.Read, false, "g2")],
            Denies = [new FsDeny(dir.Path, "d")],
        };

        SandboxPlan plan = Plan(caps, 7).Plan!;

        Assert.Empty(plan.PathRules);
        Assert.Equal(2, plan.Notes.Count(n => n.Contains("removed")));
    }

    [Fact]
    public void Plan_DenyPrefixButNotComponent_LeavesGrantAlone()
    {
        using TempDirectory dir = new();
        Directory.CreateDirectory(dir.Combine("home"));
        Directory.CreateDirectory(dir.Combine("homeevil"));

        SandboxPlan plan = Plan(Grant(dir.Combine("homeevil"), FsAccess.Read) with { Denies = [new FsDeny(dir.Combine("home"), "d")] }, 7).Plan!;

        Assert.Equal(dir.Combine("homeevil"), Assert.Single(plan.PathRules).Path);
    }

    [Fact]
    public void Plan_Problems_AllCollected()
    {
        CapabilitySet caps = new()
        {
            Grants = [new FsGrant("/nono-missing-a", FsAccess.Read, false, "a"), new FsGrant("relative/path", FsAccess.Read, false, "b")],
            Network = NetworkMode.Proxy,
            ProxyPort = null,
        };

        PlanResult result = Plan(caps, 3);

        Assert.False(result.Succeeded);
        Assert.Contains(result.Problems, p => p.Contains("/nono-missing-a"));
        Assert.Contains(result.Problems, p => p.Contains("relative/path"));
        Assert.Contains(result.Problems, p => p.Contains("proxy port"));
        Assert.Contains(result.Problems, p => p.Contains("--allow-weaker proxy-any-tcp-port"));
        Assert.Contains(result.Problems, p => p.Contains("--allow-weaker unscoped-signals"));
    }

    [Theory]
    [InlineData(0, WeakerMode.NoLandlock)]
    [InlineData(2, WeakerMode.UnrestrictedTruncate)]
    [InlineData(5, WeakerMode.UnscopedSignals)]
    public void Plan_OlderAbi_RefusedUnlessOptedIn(int abi, WeakerMode mode)
    {
        HashSet<WeakerMode> others = [.. Enum.GetValues<WeakerMode>().Where(m => m != mode)];

        PlanResult refused = SandboxPlanner.Plan(new CapabilitySet(), new EnforcementOptions { Support = SandboxSupport.Probe(abi), AllowedWeakerModes = others });
        PlanResult accepted = Plan(new CapabilitySet(), abi, [.. others, mode]);

        Assert.Contains(refused.Problems, p => p.Contains(WeakerModes.Name(mode)));
        Assert.True(accepted.Succeeded);
        Assert.Contains(mode, accepted.Plan!.WeakerModes);
        Assert.Contains(accepted.Plan.Describe(), l => l.Contains(WeakerModes.Name(mode)));
    }

    [Fact]
    public void Plan_ProxyAbi4_ConnectRuleOnlyForProxyPort()
    {
        SandboxPlan plan = Plan(new CapabilitySet { Network = NetworkMode.Proxy, ProxyPort = 8123 }, 4, WeakerMode.UnscopedSignals, WeakerMode.ProxyWithoutNetns).Plan!;

        Assert.Equal([8123], plan.ConnectPorts);
        Assert.Equal(LandlockRights.NetBindTcp | LandlockRights.NetConnectTcp, plan.HandledNet);
        Assert.Equal(0UL, plan.Scoped);
    }

    [Fact]
    public void Plan_Abi6_ScopesSignalsAndAbstractSockets()
    {
        SandboxPlan plan = Plan(new CapabilitySet { Network = NetworkMode.Block }, 6).Plan!;

        Assert.Equal(LandlockRights.ScopeSignal | LandlockRights.ScopeAbstractUnixSocket, plan.Scoped);
        Assert.Empty(plan.ConnectPorts);
        Assert.Equal(SandboxTier.LandlockV6Scoped, plan.Tier);
    }

    [Theory]
    [InlineData("/proc/self")]
    [InlineData("/proc/self/fd")]
    [InlineData("/proc/thread-self")]
    [InlineData("/proc/1")]
    public void Plan_PerProcessProcGrant_IsAProblem(string path)
    {
        string asWritten = CanonicalPath.Resolve(path, "/")!;

        PlanResult result = Plan(Grant(asWritten, FsAccess.Read), 7);

        Assert.Equal(path, asWritten); // magic links are not resolved into nono's own pid
        Assert.Contains(result.Problems, p => p.Contains("grant /proc instead"));
    }
}
