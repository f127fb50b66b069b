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
}
