using Nono.Core.Sandbox;
using Nono.Testing;

namespace Nono.Core.Tests.Sandbox;

public sealed partial class SandboxLauncherTests
{
    [Theory]
    [InlineData(1, SandboxTier.LandlockV1Filesystem)]
    [InlineData(2, SandboxTier.LandlockV1Filesystem)]
    [InlineData(3, SandboxTier.LandlockV1Filesystem)]
    [InlineData(4, SandboxTier.LandlockV4Network)]
    [InlineData(5, SandboxTier.LandlockV4Network)]
    [InlineData(6, SandboxTier.LandlockV6Scoped)]
    [InlineData(7, SandboxTier.LandlockV6Scoped)]
    public async Task Start_AbiCapped_PlansTierAndStillEnforcesFilesystem(int abi, SandboxTier tier)
    {
        Assert.SkipUnless(SandboxSupport.Probe().LandlockAbi >= abi, $"the kernel has no Landlock ABI {abi}");
        using TempDirectory granted = new();
        using TempDirectory other = new();
        await File.WriteAllTextAsync(other.Combine("s"), "secret", TestContext.Current.CancellationToken);
        SandboxPlan plan = SandboxRun.Plan(SandboxRun.With(SandboxRun.Write(granted.Path)), abi);

        ProcessResult result = await SandboxRun.RunAsync(plan, SandboxRun.Sh, ["-c", $"cat {other.Combine("s")} || echo denied; echo ok > {granted.Combine("w")} && echo write-ok"]);

        Assert.Equal(tier, plan.Tier);
        Assert.Equal(abi, plan.LandlockAbi);
        Assert.Contains("denied", result.StandardOutput);
        Assert.DoesNotContain("secret", result.StandardOutput);
        Assert.Contains("write-ok", result.StandardOutput);
    }

    [Fact]
    public async Task Start_AbiZeroWithOptIn_RunsSeccompOnly()
    {
        SandboxPlan plan = SandboxRun.Plan(SandboxRun.With(), 0, WeakerMode.NoLandlock);

        ProcessResult result = await SandboxRun.RunAsync(plan, SandboxRun.Sh, ["-c", "echo ran"]);

        Assert.Equal(SandboxTier.SeccompOnly, plan.Tier);
        Assert.Equal([WeakerMode.NoLandlock], plan.WeakerModes);
        Assert.Contains("ran", result.StandardOutput);
    }
}
