using System.Runtime.CompilerServices;

namespace Nono.Core.Sandbox;

// SAFETY: MountAttr (32 bytes), RootPath, DevPath and DeviceMountPaths (DeviceMountCount entries) come from NativeLaunchState.PrepareContainment; the init owns its copy.
internal static unsafe partial class ChildInit
{
    private const nint AT_FDCWD = -100;
    private const nint AT_RECURSIVE = 0x8000;
    private const ulong MOUNT_ATTR_NODEV = 0x4;
    private const nint MountAttrSize = 32; // MOUNT_ATTR_SIZE_VER0
    private const nuint MS_BIND = 0x1000;
    private const int EPERM = 1;

    /// <summary>
    /// Device nodes open only under /dev: every mount of the namespace becomes nodev, then a recursive bind of /dev over
    /// itself is made dev-capable again (its submounts, /dev/shm and /dev/mqueue among them, stay nodev; the private
    /// devpts is mounted after this, without nodev). A device node in any grant outside /dev (a copy made by root in a
    /// workspace, a chroot's dev/ in a read-only grant) then fails to open with EACCES at every Landlock ABI, so below
    /// ABI 5 its ioctls are out of reach without scanning the grants. The command cannot undo it: seccomp refuses the
    /// mount calls, and a user namespace of its own would inherit the flag locked. The same pass makes every mount
    /// read-only (Landlock has no right for chmod, chown, utimensat or setxattr; <see cref="MountWritable"/> then makes
    /// the writable grants writable again). Returns the failed stage, or 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int MountNodev(ChildContext* c)
    {
        if (c == null)
        {
            return 0;
        }

        ulong* attr = c->MountAttr;
        attr[0] = MOUNT_ATTR_NODEV | MOUNT_ATTR_RDONLY; // attr_set
        attr[1] = 0;                // attr_clr
        attr[2] = 0;                // propagation
        attr[3] = 0;                // userns_fd
        if (c->Syscall5(c->SysMountSetattr, AT_FDCWD, (nint)c->RootPath, AT_RECURSIVE, (nint)attr, MountAttrSize) != 0)
        {
            return (int)ChildStage.PidnsNodev;
        }

        // A mount of its own for /dev, whether /dev was one (devtmpfs) or a directory of the root file system: clearing
        // nodev on it then touches nothing else. No /dev: no device to keep.
        if (c->Mount(c->DevPath, c->DevPath, null, MS_BIND | MS_REC, null) != 0)
        {
            return *c->ErrnoLocation() == ENOENT ? 0 : (int)ChildStage.PidnsDevBind;
        }

        attr[0] = 0;
        attr[1] = MOUNT_ATTR_NODEV;
        // EPERM: the host mounted /dev nodev and the user namespace inherited that locked; its devices did not open
        // outside either, and leaving the flag set is the stricter outcome.
        if (c->Syscall5(c->SysMountSetattr, AT_FDCWD, (nint)c->DevPath, 0, (nint)attr, MountAttrSize) != 0
            && *c->ErrnoLocation() != EPERM)
        {
            return (int)ChildStage.PidnsDevDevices;
        }

        // Granted device files bind-mounted into /dev (rootless container runtimes bind /dev/null and the like) are mounts
        // of their own, under the bind: each is made dev-capable again, and nothing else (the list holds only device files).
        for (int i = 0; i < c->DeviceMountCount; i++)
        {
            if (c->Syscall5(c->SysMountSetattr, AT_FDCWD, (nint)c->DeviceMountPaths[i], 0, (nint)attr, MountAttrSize) != 0
                && *c->ErrnoLocation() is not (ENOENT or EPERM))
            {
                return (int)ChildStage.PidnsDevDevices;
            }
        }

        return 0;
    }
}
