using System.Diagnostics;
using Nono.Core.Sandbox;
using Nono.Core.Sandbox.Interop;

namespace Nono.Core.Tests.Sandbox;

public sealed partial class SandboxLauncherTests
{
    /// <summary>
    /// The PID namespace's init is cloned straight from nono into its namespace, where getppid is 0: it checks nono through
    /// a pidfd right after setting its parent-death signal. With nono's own pidfd it goes on (the probe's steps work); with
    /// the pidfd of a process that has exited (nono gone before the prctl) it stops at that check, before any mount.
    /// </summary>
    [Fact]
    public unsafe void PidnsInit_ParentAliveGoesOn_ParentGoneBeforeItsDeathSignalStops()
    {
        using NativeLaunchState alive = NativeLaunchState.ForPidnsProbe();
        Assert.True((alive.Context->Flags & ChildContext.FlagPidnsDirect) != 0, "a PID namespace without the network tier is cloned directly");
        Assert.Equal(0, SandboxLauncher.RunProbe(alive, "PID namespace", out string? problem));
        Assert.Null(problem);

        using Process gone = Process.Start(new ProcessStartInfo("/bin/sleep", "60"))!;
        using SafeFdHandle gonePidfd = Interop.PidfdOpen(gone.Id);
        gone.Kill();
        gone.WaitForExit();
        using NativeLaunchState orphaned = NativeLaunchState.ForPidnsProbe();
        orphaned.Context->ParentPidfd = gonePidfd.Fd;

        long? failure = SandboxLauncher.RunProbe(orphaned, "PID namespace", out problem);

        Assert.Null(problem);
        Assert.NotNull(failure);
        Assert.Equal(ChildStage.ParentGone, (ChildStage)(int)failure.Value);
    }

    /// <summary>
    /// A direct clone the kernel refuses (here EINVAL: CLONE_FS with CLONE_NEWUSER; elsewhere EPERM under Docker's
    /// seccomp profile or ENOSPC at a namespace limit) is a probe answer, not an exception: the tier is not available,
    /// with the stage and errno, as a refused unshare was; a launch chooser can fall back on it.
    /// </summary>
    [Fact]
    public unsafe void PidnsProbe_CloneRefusedByTheKernel_IsNotAvailableWithAReasonNotAnException()
    {
        const int CLONE_FS = 0x200, CLONE_NEWUSER = 0x10000000, EINVAL = 22;
        using NativeLaunchState refused = NativeLaunchState.ForPidnsProbe();
        refused.Context->CloneFlags |= CLONE_FS | CLONE_NEWUSER;

        Assert.Equal(((long)EINVAL << 32) | (uint)ChildStage.PidnsUnshare, SandboxLauncher.RunProbe(refused, "PID namespace", out string? problem));
        Assert.Null(problem);
        (bool available, string reason) = SandboxLauncher.ProbePidNamespaceOn(refused);
        Assert.False(available);
        Assert.Contains("clone(CLONE_NEWPID|CLONE_NEWNS) failed", reason, StringComparison.Ordinal);
        Assert.Contains("errno 22", reason, StringComparison.Ordinal);

        using NativeLaunchState works = NativeLaunchState.ForPidnsProbe(); // the same probe, unaltered, works here
        Assert.Equal((true, ""), SandboxLauncher.ProbePidNamespaceOn(works));
    }
}
