using System.Runtime.CompilerServices;

namespace Nono.Core.Sandbox;

// SAFETY: GrantMountPaths (GrantMountCount entries), WritableMountPaths (WritableMountCount entries), MountAttr (32 bytes)
// and the /dev/shm strings come from NativeLaunchState.PrepareContainment; the init owns its copy.
internal static unsafe partial class ChildInit
{
    private const ulong MOUNT_ATTR_RDONLY = 0x1;
    private const nint AT_SYMLINK_NOFOLLOW = 0x100;

    /// <summary>
    /// Each writable grant becomes a mount of its own before <see cref="MountNodev"/> makes every mount read-only: a
    /// recursive bind onto itself (a file grant binds the file), keeping the mounts below it. The planner resolved the
    /// grants' links and <see cref="WritableMounts"/> left out any link, so the bind lands on the grant. Returns the
    /// failed stage, or 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int BindGrants(ChildContext* c)
    {
        if (c == null)
        {
            return 0;
        }

        for (int i = 0; i < c->GrantMountCount; i++)
        {
            if (c->Mount(c->GrantMountPaths[i], c->GrantMountPaths[i], null, MS_BIND | MS_REC, null) != 0)
            {
                return (int)ChildStage.PidnsGrantBind;
            }
        }

        return 0;
    }

    /// <summary>
    /// After the read-only pass: the init's /proc, each grant's bind and the host's writable mounts below the grants are
    /// made writable again, one mount each (a read-only host mount below a grant stays read-only; in a user namespace it is
    /// locked so, and a recursive clear would fail on it). Then a private tmpfs on /dev/shm when a writable grant covers
    /// it: shared memory the command makes is not the host's, and the host's is not in reach. Returns the failed stage, or 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int MountWritable(ChildContext* c)
    {
        if (c == null)
        {
            return 0;
        }

        ulong* attr = c->MountAttr;
        attr[0] = 0;                 // attr_set
        attr[1] = MOUNT_ATTR_RDONLY; // attr_clr
        attr[2] = 0;
        attr[3] = 0;
        for (int i = 0; i < c->WritableMountCount; i++)
        {
            if (c->Syscall5(c->SysMountSetattr, AT_FDCWD, (nint)c->WritableMountPaths[i], AT_SYMLINK_NOFOLLOW, (nint)attr, MountAttrSize) != 0)
            {
                return (int)ChildStage.PidnsGrantWritable;
            }
        }

        // No /dev/shm: no shared memory of the host's to hide.
        if ((c->Flags & ChildContext.FlagPidnsPrivateShm) != 0
            && c->Mount(c->ShmType, c->ShmPath, c->ShmType, MS_NOSUID | MS_NODEV, c->ShmOptions) != 0
            && *c->ErrnoLocation() != ENOENT)
        {
            return (int)ChildStage.PidnsMountShm;
        }

        return 0;
    }
}
