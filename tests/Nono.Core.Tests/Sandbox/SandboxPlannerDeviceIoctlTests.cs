using Nono.Core.Capabilities;
using Nono.Core.Sandbox;
using Nono.Testing;

namespace Nono.Core.Tests.Sandbox;

/// <summary>When Landlock ABI &lt; 5 is weaker than ABI 5 for device ioctl, and what ABI 5 grants IOCTL_DEV on.</summary>
public sealed class SandboxPlannerDeviceIoctlTests
{
    private static PlanResult Plan(IReadOnlyList<FsGrant> grants, int abi, params WeakerMode[] weaker) =>
        Plan(grants, abi, ProcessContainment.DirectChild, weaker);

    private static PlanResult Plan(IReadOnlyList<FsGrant> grants, int abi, ProcessContainment containment, params WeakerMode[] weaker)
    {
        Assert.SkipUnless(SandboxSupport.Probe().KernelLandlockAbi >= abi, $"the kernel has no Landlock ABI {abi}");
        return SandboxPlanner.Plan(new CapabilitySet { Grants = grants }, new EnforcementOptions
        {
            Containment = containment,
            Support = SandboxSupport.Probe(abi),
            AllowedWeakerModes = new HashSet<WeakerMode>([WeakerMode.UnscopedSignals, .. weaker]),
        });
    }

    private static async Task MakeDeviceAsync(string path)
    {
        Assert.SkipUnless(ProcessRunner.IsRoot, "mknod needs root");
        ProcessResult made = await ProcessRunner.RunAsync("mknod", [path, "c", "1", "3"], cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(made.ExitCode == 0, made.StandardError);
    }

    [Fact]
    public void Abi4_DevGrantsOnly_NeedNoOptIn()
    {
        using TempDirectory work = new();
        FsGrant[] grants =
        [
            new("/dev/null", FsAccess.ReadWrite, true, "p"), new("/dev/tty", FsAccess.ReadWrite, true, "p"),
            new("/dev/ptmx", FsAccess.ReadWrite, true, "p"), new("/dev/pts", FsAccess.ReadWrite, false, "p"),
            new(work.Path, FsAccess.ReadWrite, false, "p"), new("/usr", FsAccess.Read, false, "p"),
        ];

        PlanResult result = Plan(grants, 4);

        Assert.Empty(result.Problems);
        Assert.DoesNotContain(WeakerMode.UnrestrictedDeviceIoctl, result.Plan!.WeakerModes);
    }

    [Fact]
    public async Task Abi4_DeviceNodeDeepInWritableGrant_RefusedNamingNodeAndGrant()
    {
        using TempDirectory work = new();
        Directory.CreateDirectory(work.Combine("a", "b"));
        await MakeDeviceAsync(work.Combine("a", "b", "node"));

        PlanResult refused = Plan([new FsGrant(work.Path, FsAccess.ReadWrite, false, "--allow")], 4);
        PlanResult accepted = Plan([new FsGrant(work.Path, FsAccess.ReadWrite, false, "--allow")], 4, WeakerMode.UnrestrictedDeviceIoctl);

        Assert.Equal(
            $"Landlock ABI 4 cannot restrict ioctl on the device node {work.Combine("a", "b", "node")} in the grant {work.Path} [--allow] (needs ABI 5); refusing to run (opt in with --allow-weaker unrestricted-dev-ioctl)",
            Assert.Single(refused.Problems));
        Assert.Contains(WeakerMode.UnrestrictedDeviceIoctl, accepted.Plan!.WeakerModes);
    }

    [Fact]
    public async Task Abi4_DeviceGrantedAsFileOutsideDev_Refused()
    {
        using TempDirectory dir = new();
        string node = dir.Combine("node");
        await MakeDeviceAsync(node);

        PlanResult result = Plan([new FsGrant(node, FsAccess.Read, true, "--read-file")], 4);

        Assert.Contains(result.Problems, p => p.Contains($"cannot restrict ioctl on the device {node} [--read-file]"));
    }

    [Fact]
    public void Abi4_GrantAboveDev_Refused()
    {
        PlanResult result = Plan([new FsGrant("/", FsAccess.Read, false, "--read")], 4);

        Assert.Contains(result.Problems, p => p.Contains("cannot restrict ioctl on the devices under /dev through the grant / [--read]"));
    }

    [Fact]
    public async Task Abi5_DeviceNodeInGrant_NoOptInAndNoIoctlRight()
    {
        using TempDirectory work = new();
        await MakeDeviceAsync(work.Combine("node"));

        PlanResult result = Plan([new FsGrant(work.Path, FsAccess.ReadWrite, false, "--allow")], 5);

        Assert.Empty(result.Problems);
        Assert.False(Assert.Single(result.Plan!.PathRules).Access.HasFlag(LandlockFs.IoctlDev));
        Assert.True(result.Plan.HandledFs.HasFlag(LandlockFs.IoctlDev));
    }

    [Fact]
    public void Abi5_DevShm_GetsNoIoctlRight_TerminalsDo()
    {
        // The pidns containment keeps the /dev/pts grant (its private devpts instance); elsewhere it is narrowed to the
        // terminals on fds 0-2 (SandboxPlannerDevPtsTests).
        Assert.SkipUnless(SandboxSupport.Probe().KernelLandlockAbi >= 5, "the kernel has no Landlock ABI 5");
        PlanResult result = SandboxPlanner.Plan(
            new CapabilitySet { Grants = [new FsGrant("/dev/shm", FsAccess.ReadWrite, false, "p"), new FsGrant("/dev/pts", FsAccess.ReadWrite, false, "p")] },
            new EnforcementOptions
            {
                Support = SandboxSupport.Probe(5),
                AllowedWeakerModes = new HashSet<WeakerMode>([WeakerMode.UnscopedSignals]),
                Containment = ProcessContainment.PidNamespace,
            });

        Assert.False(result.Plan!.PathRules.Single(r => r.Path == "/dev/shm").Access.HasFlag(LandlockFs.IoctlDev));
        Assert.True(result.Plan.PathRules.Single(r => r.Path == "/dev/pts").Access.HasFlag(LandlockFs.IoctlDev));
    }

    [Fact]
    public async Task Abi4_DeviceNodeInReadOnlyGrant_NotWalked()
    {
        // Documented limit: read-only directory grants are not walked (the system trees would cost seconds per run).
        using TempDirectory dir = new();
        await MakeDeviceAsync(dir.Combine("node"));

        Assert.Empty(Plan([new FsGrant(dir.Path, FsAccess.Read, false, "--read")], 4).Problems);
    }

    [Fact]
    public async Task Abi4_PidNamespace_DevicesOutsideDevAreNotLookedFor()
    {
        // Every mount but /dev is nodev in the pidns containment: a device node outside /dev does not open there, so
        // neither the writable grant holding one nor a device granted as a file needs the opt-in (nothing is walked).
        using TempDirectory work = new();
        Directory.CreateDirectory(work.Combine("a"));
        await MakeDeviceAsync(work.Combine("a", "node"));
        FsGrant[] grants = [new(work.Path, FsAccess.ReadWrite, false, "--allow"), new(work.Combine("a", "node"), FsAccess.ReadWrite, true, "--allow-file")];

        Assert.Empty(Plan(grants, 4, ProcessContainment.PidNamespace).Problems);
        Assert.Single(Plan(grants, 4, ProcessContainment.DirectChild).Problems, p => p.Contains("cannot restrict ioctl"));
    }

    [Fact]
    public void Abi4_PidNamespace_GrantAboveDev_StillRefused()
    {
        // /dev itself keeps its devices in the namespace: a grant above it reaches them without ABI 5's IOCTL_DEV rule.
        PlanResult result = Plan([new FsGrant("/", FsAccess.Read, false, "--read")], 4, ProcessContainment.PidNamespace);

        Assert.Contains(result.Problems, p => p.Contains("cannot restrict ioctl on the devices under /dev through the grant / [--read]"));
    }
}
