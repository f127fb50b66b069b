namespace Nono.Core.Sandbox;

internal static partial class SeccompFilterBuilder
{
    /// <summary>
    /// Filesystem ioctls that create, destroy or change things outside every Landlock hook (review of s13-userns). btrfs
    /// checks only DAC in <c>btrfs_mksubvol</c> and friends, on a directory descriptor any read-only open gives: a command
    /// could create a subvolume in a writable grant, then snapshot it (or any subvolume it can read) into a directory
    /// granted read-only. Refused with EPERM on every descriptor, in every containment and in <c>nono wrap</c>, inside the
    /// grants too (CI has no use for them; the supervisor could not re-issue them safely: they name a second descriptor or
    /// a path inside their argument). The request is the kernel's <c>unsigned int cmd</c>: only the low word counts.
    /// <para>
    /// Encoding (include/uapi/asm-generic/ioctl.h, the same on x86_64 and arm64): dir &lt;&lt; 30 | size &lt;&lt; 16 |
    /// type &lt;&lt; 8 | nr, with _IOW dir 1, _IOR dir 2, _IOWR dir 3. btrfs type 0x94 (BTRFS_IOCTL_MAGIC); struct
    /// btrfs_ioctl_vol_args and btrfs_ioctl_vol_args_v2 are both 4096 bytes (0x1000), so _IOW(0x94, nr, vol_args) =
    /// 0x40000000 | 0x10000000 | 0x9400 | nr = 0x500094nn. Checked against the uapi headers with the C compiler.
    /// </para>
    /// </summary>
    internal static readonly uint[] FilesystemRequests =
    [
        // Subvolumes and snapshots: new or removed trees, no Landlock hook.
        0x50009401, // BTRFS_IOC_SNAP_CREATE         _IOW(0x94, 1, vol_args[4096])
        0x5000940e, // BTRFS_IOC_SUBVOL_CREATE       _IOW(0x94, 14, vol_args[4096])
        0x5000940f, // BTRFS_IOC_SNAP_DESTROY        _IOW(0x94, 15, vol_args[4096])
        0x50009417, // BTRFS_IOC_SNAP_CREATE_V2      _IOW(0x94, 23, vol_args_v2[4096])
        0x50009418, // BTRFS_IOC_SUBVOL_CREATE_V2    _IOW(0x94, 24, vol_args_v2[4096])
        0x5000943f, // BTRFS_IOC_SNAP_DESTROY_V2     _IOW(0x94, 63, vol_args_v2[4096])

        // Subvolume properties: read-only flag, received UUID (64-bit and packed 32-bit struct), default subvolume.
        0x4008941a, // BTRFS_IOC_SUBVOL_SETFLAGS     _IOW(0x94, 26, __u64)
        0xc0c89425, // BTRFS_IOC_SET_RECEIVED_SUBVOL _IOWR(0x94, 37, received_subvol_args[200])
        0xc0c09425, // BTRFS_IOC_SET_RECEIVED_SUBVOL_32 _IOWR(0x94, 37, packed args_32[192]) (fs/btrfs/ioctl.c, 64-bit kernels)
        0x40089413, // BTRFS_IOC_DEFAULT_SUBVOL      _IOW(0x94, 19, __u64)

        // Rewrites (and may recompress) a file through a read-only descriptor: only DAC write permission is checked.
        0x50009402, // BTRFS_IOC_DEFRAG              _IOW(0x94, 2, vol_args[4096])
        0x40309410, // BTRFS_IOC_DEFRAG_RANGE        _IOW(0x94, 16, defrag_range_args[48])

        // Filesystem-wide changes (CAP_SYS_ADMIN, which a root command keeps with --allow-weaker root-capabilities).
        0x41009432, // FS_IOC_SETFSLABEL = BTRFS_IOC_SET_FSLABEL _IOW(0x94, 50, char[256])
        0x40309439, // BTRFS_IOC_SET_FEATURES        _IOW(0x94, 57, feature_flags[2][24])
        0x50009403, // BTRFS_IOC_RESIZE              _IOW(0x94, 3, vol_args[4096])
        0x5000940a, // BTRFS_IOC_ADD_DEV             _IOW(0x94, 10, vol_args[4096])
        0x5000940b, // BTRFS_IOC_RM_DEV              _IOW(0x94, 11, vol_args[4096])
        0x5000943a, // BTRFS_IOC_RM_DEV_V2           _IOW(0x94, 58, vol_args_v2[4096])
        0x5000940c, // BTRFS_IOC_BALANCE             _IOW(0x94, 12, vol_args[4096])
        0xc4009420, // BTRFS_IOC_BALANCE_V2          _IOWR(0x94, 32, balance_args[1024])
        0x40049421, // BTRFS_IOC_BALANCE_CTL         _IOW(0x94, 33, int)
        0xc400941b, // BTRFS_IOC_SCRUB               _IOWR(0x94, 27, scrub_args[1024]) (repairs write)
        0xca289435, // BTRFS_IOC_DEV_REPLACE         _IOWR(0x94, 53, dev_replace_args[2600])
        0xc0109428, // BTRFS_IOC_QUOTA_CTL           _IOWR(0x94, 40, quota_ctl_args[16])
        0x40189429, // BTRFS_IOC_QGROUP_ASSIGN       _IOW(0x94, 41, qgroup_assign_args[24])
        0x4010942a, // BTRFS_IOC_QGROUP_CREATE       _IOW(0x94, 42, qgroup_create_args[16])
        0x8030942b, // BTRFS_IOC_QGROUP_LIMIT        _IOR(0x94, 43, qgroup_limit_args[48]) (sic: _IOR)
        0x4040942c, // BTRFS_IOC_QUOTA_RESCAN        _IOW(0x94, 44, quota_rescan_args[64])

        // ext4 and fscrypt: owner-only changes on any descriptor the command can open, read-only included.
        0x40086604, // EXT4_IOC_SETVERSION           _IOW('f', 4, long) (generation number)
        0x40046604, // EXT4_IOC32_SETVERSION         _IOW('f', 4, int)
        0x00006609, // EXT4_IOC_MIGRATE              _IO('f', 9) (converts the inode to extents)
        0x800c6613, // FS_IOC_SET_ENCRYPTION_POLICY  _IOR('f', 19, fscrypt_policy_v1[12]) (sic: _IOR; v2 policies too)
    ];

    /// <summary>Every ioctl request refused on every descriptor: the terminal requests, then the filesystem ones.</summary>
    internal static uint[] RefusedRequests => [.. TerminalRequests, .. FilesystemRequests];
}
