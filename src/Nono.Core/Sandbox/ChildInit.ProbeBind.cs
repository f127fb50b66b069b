using System.Runtime.CompilerServices;

namespace Nono.Core.Sandbox;

// SAFETY: ProcPath, MountAttr (32 bytes) and GrantOpenScratch (ChildInit.GrantOpenScratchSize zeroed bytes) come from
// NativeLaunchState.PrepareContainment, for the probe as for a launch; the probe's init owns its copy.
internal static unsafe partial class ChildInit
{
    /// <summary>
    /// The probe has no writable grant, but a launch with one makes calls the probe's steps do not: the grant opened
    /// without links (openat2), bound onto itself from the descriptor (open_tree, move_mount) and made writable again by
    /// descriptor (mount_setattr on it). An outer sandbox (a container's or another tool's seccomp filter) may refuse
    /// those while allowing the mounts before them; the launch then failed (exit 126) after the tier was chosen. So the
    /// probe makes the same calls on its own fresh /proc, inside the probe's mount namespace, which ends with it: where one
    /// is refused, the PID namespace is reported unavailable with that step, and another tier is chosen (or a forced pidns
    /// refused up front). Returns the failed stage, or 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int ProbeGrantBind(ChildContext* c)
    {
        if (c == null)
        {
            return 0;
        }

        int proc = OpenWithoutLinks(c, c->ProcPath);
        if (proc < 0)
        {
            return (int)ChildStage.PidnsGrantBind;
        }

        int stage = BindOntoItself(c, proc);
        int errno = *c->ErrnoLocation();
        c->Close(proc);
        *c->ErrnoLocation() = errno;
        if (stage != 0)
        {
            return stage;
        }

        // The bind now covers the descriptor's mount: reach it by path again, as MountWritable reaches each bind.
        proc = OpenWithoutLinks(c, c->ProcPath);
        if (proc < 0)
        {
            return (int)ChildStage.PidnsGrantWritable;
        }

        nint set = ClearReadOnly(c, proc);
        errno = *c->ErrnoLocation();
        c->Close(proc);
        *c->ErrnoLocation() = errno;
        return set == 0 ? 0 : (int)ChildStage.PidnsGrantWritable;
    }
}
