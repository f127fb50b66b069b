using System.Runtime.CompilerServices;

namespace Nono.Core.Sandbox;

// SAFETY: GrantMountPaths and GrantMountIdentities (GrantMountCount entries; two ulongs each), GrantOpenScratch
// (GrantOpenScratchSize bytes, zeroed), WritableMountPaths (WritableMountCount entries), MountAttr (32 bytes) and the /dev/shm
// strings come from NativeLaunchState.PrepareContainment; the init owns its copy.
internal static unsafe partial class ChildInit
{
    private const ulong MOUNT_ATTR_RDONLY = 0x1;
    private const nint AT_EMPTY_PATH = 0x1000;
    private const int ELOOP = 40;
    private const ulong RESOLVE_NO_MAGICLINKS = 0x02;
    private const ulong RESOLVE_NO_SYMLINKS = 0x04;
    private const nint OPEN_TREE_CLONE = 1;
    private const nint OPEN_TREE_CLOEXEC = O_CLOEXEC;
    private const nint MOVE_MOUNT_F_EMPTY_PATH = 0x04;
    private const nint MOVE_MOUNT_T_EMPTY_PATH = 0x40;
    private const nint STATX_INO = 0x100;

    // Calls added after the syscall table unification (Linux 5.2+, 5.6+ for openat2): one number on every architecture.
    private const nint SYS_open_tree = Interop.Interop.SyscallNumbers.open_tree;
    private const nint SYS_move_mount = Interop.Interop.SyscallNumbers.move_mount;
    private const nint SYS_openat2 = Interop.Interop.SyscallNumbers.openat2;

    // GrantOpenScratch: struct open_how (24 bytes), then struct statx (256 bytes), then a zeroed byte for "".
    internal const int OpenHowSize = 24;
    internal const int StatxSize = 256;
    internal const int GrantOpenScratchSize = OpenHowSize + StatxSize + 8;
    private const int StatxIno = 32;
    private const int StatxDevMajor = 136;
    private const int StatxDevMinor = 140;

    /// <summary>
    /// Each writable grant becomes a mount of its own before <see cref="MountNodev"/> makes every mount read-only: a
    /// recursive bind onto itself (a file grant binds the file), keeping the mounts below it. The grant is opened here, in
    /// the namespace, without following a link in any component (openat2 RESOLVE_NO_SYMLINKS), and must be the inode the
    /// ruleset was built on; the bind is made from that descriptor (open_tree, move_mount), so a link or another directory
    /// put on the path since the plan cannot make what it points at a writable mount: the launch fails instead
    /// (<see cref="ChildStage.PidnsGrantChanged"/>). Returns the failed stage, or 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int BindGrants(ChildContext* c)
    {
        if (c == null)
        {
            // Warm-up (ChildInit.Enter): the helpers too.
            _ = OpenWithoutLinks(null, null);
            _ = IsPlannedInode(null, -1, null);
            _ = BindOntoItself(null, -1);
            return 0;
        }

        for (int i = 0; i < c->GrantMountCount; i++)
        {
            int grant = OpenWithoutLinks(c, c->GrantMountPaths[i]);
            if (grant < 0)
            {
                return *c->ErrnoLocation() == ELOOP ? (int)ChildStage.PidnsGrantChanged : (int)ChildStage.PidnsGrantBind;
            }

            int stage = IsPlannedInode(c, grant, c->GrantMountIdentities + (2 * i));
            if (stage == 0)
            {
                stage = BindOntoItself(c, grant);
            }

            c->Close(grant);
            if (stage != 0)
            {
                return stage;
            }
        }

        return 0;
    }

    /// <summary>An O_PATH descriptor of the absolute <paramref name="path"/>, reached without following any link (ELOOP on one), or -1.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int OpenWithoutLinks(ChildContext* c, byte* path)
    {
        if (c == null)
        {
            return -1;
        }

        ulong* how = (ulong*)c->GrantOpenScratch; // struct open_how
        how[0] = O_PATH | O_CLOEXEC; // flags
        how[1] = 0;                  // mode
        how[2] = RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS;
        return (int)c->Syscall4(SYS_openat2, AT_FDCWD, (nint)path, (nint)how, OpenHowSize);
    }

    /// <summary>0 when <paramref name="fd"/> is the (device, inode) at <paramref name="planned"/>, else the failed stage.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int IsPlannedInode(ChildContext* c, int fd, ulong* planned)
    {
        if (c == null)
        {
            return 0;
        }

        byte* statx = (byte*)c->GrantOpenScratch + OpenHowSize;
        byte* empty = statx + StatxSize; // a zeroed byte: ""
        if (c->Syscall5(c->SysStatx, fd, (nint)empty, AT_EMPTY_PATH, STATX_INO, (nint)statx) != 0)
        {
            return (int)ChildStage.PidnsGrantBind;
        }

        ulong device = ((ulong)*(uint*)(statx + StatxDevMajor) << 32) | *(uint*)(statx + StatxDevMinor);
        if ((*(uint*)statx & STATX_INO) == 0 || device != planned[0] || *(ulong*)(statx + StatxIno) != planned[1])
        {
            *c->ErrnoLocation() = 0; // not a link: another file or directory on the grant's name
            return (int)ChildStage.PidnsGrantChanged;
        }

        return 0;
    }

    /// <summary>A recursive bind of <paramref name="fd"/>'s place onto itself, made from the descriptor (no path is resolved again).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int BindOntoItself(ChildContext* c, int fd)
    {
        if (c == null)
        {
            return 0;
        }

        byte* empty = (byte*)c->GrantOpenScratch + OpenHowSize + StatxSize;
        int tree = (int)c->Syscall(SYS_open_tree, fd, (nint)empty, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
        if (tree < 0)
        {
            return (int)ChildStage.PidnsGrantBind;
        }

        nint moved = c->Syscall5(SYS_move_mount, tree, (nint)empty, fd, (nint)empty, MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
        int errno = *c->ErrnoLocation();
        c->Close(tree);
        *c->ErrnoLocation() = errno;
        return moved == 0 ? 0 : (int)ChildStage.PidnsGrantBind;
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
            _ = ClearReadOnly(null, -1); // warm-up (ChildInit.Enter): the helper too
            return 0;
        }

        for (int i = 0; i < c->WritableMountCount; i++)
        {
            // Reached without following a link, like the binds: a link put on the path since cannot move the change onto
            // another mount (mount_setattr refuses a place that is not a mount's root, EINVAL).
            int mount = OpenWithoutLinks(c, c->WritableMountPaths[i]);
            if (mount < 0)
            {
                return *c->ErrnoLocation() == ELOOP ? (int)ChildStage.PidnsGrantChanged : (int)ChildStage.PidnsGrantWritable;
            }

            nint set = ClearReadOnly(c, mount);
            int errno = *c->ErrnoLocation();
            c->Close(mount);
            if (set != 0)
            {
                *c->ErrnoLocation() = errno;
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

    /// <summary>mount_setattr clearing MOUNT_ATTR_RDONLY on the mount whose root <paramref name="mount"/> is; 0 or -1 (errno).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static nint ClearReadOnly(ChildContext* c, int mount)
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
        byte* empty = (byte*)c->GrantOpenScratch + OpenHowSize + StatxSize;
        return c->Syscall5(c->SysMountSetattr, mount, (nint)empty, AT_EMPTY_PATH, (nint)attr, MountAttrSize);
    }
}
