using System.Diagnostics;
using Nono.Core.Sandbox;

namespace Nono.Core.Tests.Sandbox;

public sealed partial class SandboxLauncherTests
{
    /// <summary>
    /// The PID namespace's init is cloned straight from nono into its namespace, where getppid is 0: right after setting its
    /// parent-death signal it reads its parent from the host's /proc/self/status. That is nono's own pid (the probe's steps
    /// go on), so the check compares the right pid across the namespace boundary; when the parent read is not the pid the
    /// init was given (nono gone and the init reparented before the prctl), it stops at that check, before any mount.
    /// </summary>
    [Fact]
    public unsafe void PidnsInit_ParentAliveGoesOn_ParentGoneBeforeItsDeathSignalStops()
    {
        using NativeLaunchState alive = NativeLaunchState.ForPidnsProbe();
        Assert.True((alive.Context->Flags & ChildContext.FlagPidnsDirect) != 0, "a PID namespace without the network tier is cloned directly");
        Assert.Equal(Environment.ProcessId, alive.Context->ParentPid);
        Assert.Equal(0, SandboxLauncher.RunProbe(alive, "PID namespace", out string? problem));
        Assert.Null(problem);

        using Process gone = Process.Start(new ProcessStartInfo("/bin/sleep", "60"))!;
        gone.Kill();
        gone.WaitForExit();
        using NativeLaunchState orphaned = NativeLaunchState.ForPidnsProbe();
        orphaned.Context->ParentPid = gone.Id; // the init's real parent (this process) is then not the one it was given

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
        Assert.Contains("clone(CLONE_NEWPID|CLONE_NEWNS|CLONE_NEWIPC) failed", reason, StringComparison.Ordinal);
        Assert.Contains("errno 22", reason, StringComparison.Ordinal);

        using NativeLaunchState works = NativeLaunchState.ForPidnsProbe(); // the same probe, unaltered, works here
        Assert.Equal((true, ""), SandboxLauncher.ProbePidNamespaceOn(works));
    }
}
