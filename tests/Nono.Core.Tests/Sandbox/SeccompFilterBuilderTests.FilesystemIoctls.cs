using Nono.Core.Capabilities;
using Nono.Core.Sandbox;
using Nono.Core.Sandbox.Interop;
using static Nono.Core.Sandbox.Interop.Interop.Seccomp;

namespace Nono.Core.Tests.Sandbox;

/// <summary>
/// btrfs subvolume/snapshot ioctls and the ext4/fscrypt ioctls without a Landlock hook are refused by every enforcing
/// filter (every containment and wrap), on both architectures, by the low word of the request; reflink copies, the
/// attribute ioctls the supervisor decides and read-only btrfs queries pass. Real kernel:
/// RunCommandTests.Run_FilesystemIoctlsWithoutLandlockHook_RefusedBySeccomp.
/// </summary>
public sealed partial class SeccompFilterBuilderTests
{
    // The numbers the review named, written out here independently of the production list.
    private static readonly uint[] s_refusedFilesystemRequests =
    [
        0x50009401, // BTRFS_IOC_SNAP_CREATE
        0x50009417, // BTRFS_IOC_SNAP_CREATE_V2
        0x5000940e, // BTRFS_IOC_SUBVOL_CREATE
        0x50009418, // BTRFS_IOC_SUBVOL_CREATE_V2
        0x4008941a, // BTRFS_IOC_SUBVOL_SETFLAGS
        0x5000940f, // BTRFS_IOC_SNAP_DESTROY
        0x5000943f, // BTRFS_IOC_SNAP_DESTROY_V2
        0xc0c89425, // BTRFS_IOC_SET_RECEIVED_SUBVOL
        0xc0c09425, // BTRFS_IOC_SET_RECEIVED_SUBVOL_32
        0x40089413, // BTRFS_IOC_DEFAULT_SUBVOL
        0x40086604, // EXT4_IOC_SETVERSION
        0x40046604, // EXT4_IOC32_SETVERSION
        0x800c6613, // FS_IOC_SET_ENCRYPTION_POLICY
    ];

    private static readonly uint[] s_passingFilesystemRequests =
    [
        0x40049409, // FICLONE (= BTRFS_IOC_CLONE): cp --reflink; the destination needs a write open, Landlock's
        0x4020940d, // FICLONERANGE
        0xc0189436, // FIDEDUPERANGE
        0x80089419, // BTRFS_IOC_SUBVOL_GETFLAGS
        0x8400941f, // BTRFS_IOC_FS_INFO
        0x80086601, // FS_IOC_GETFLAGS
        0x40086602, // FS_IOC_SETFLAGS: decided by the metadata supervisor, not here
        0x541B,     // FIONREAD
    ];

    [Theory]
    [InlineData(NetworkMode.Allow)]
    [InlineData(NetworkMode.Proxy)]
    [InlineData(NetworkMode.Block)]
    public void Build_FilesystemIoctlsWithoutLandlockHook_Refused_OthersAllowed(NetworkMode mode)
    {
        foreach (ArchSyscalls arch in new[] { SyscallNumbersX64.Table, SyscallNumbersArm64.Table })
        {
            foreach (bool supervised in new[] { false, true })
            {
                sock_filter[] program = SeccompFilterBuilder.Build(
                    arch, mode, allowUnixSockets: supervised, refuseIoctlOnlyOpens: supervised, superviseMetadata: supervised, refuseSharedIpc: supervised);
                foreach (uint request in s_refusedFilesystemRequests)
                {
                    Assert.Equal(Eperm, RunArgs(program, arch.AuditArch, arch.ioctl, [3, request, 0x1000]));
                    Assert.Equal(Eperm, RunArgs(program, arch.AuditArch, arch.ioctl, [3, 0xffffffff_00000000 | request, 0x1000]));
                    Assert.Equal(SECCOMP_RET_ALLOW, RunArgs(program, arch.AuditArch, arch.ioctl, [3, (ulong)request << 32, 0x1000]));
                    Assert.Equal(SECCOMP_RET_ALLOW, RunArgs(program, arch.AuditArch, arch.sendto, [3, request, 0x1000]));
                }

                foreach (uint request in s_passingFilesystemRequests)
                {
                    Assert.Equal(SECCOMP_RET_ALLOW, RunArgs(program, arch.AuditArch, arch.ioctl, [3, request, 0x1000]));
                }

                // The terminal refusals and the rest of the program are unchanged.
                Assert.Equal(Eperm, RunArgs(program, arch.AuditArch, arch.ioctl, [0, 0x5412, 0x1000]));
                Assert.Equal(SECCOMP_RET_ALLOW, RunArgs(program, arch.AuditArch, arch.ioctl, [0, 0x540E, 0]));
                Assert.Equal(Eperm, RunArgs(program, arch.AuditArch, arch.ptrace, [0, 0, 0]));
            }
        }
    }

    [Fact]
    public void FilesystemRequests_HoldEveryNumberTheReviewNamed()
    {
        Assert.Subset(SeccompFilterBuilder.FilesystemRequests.ToHashSet(), s_refusedFilesystemRequests.ToHashSet());
        Assert.Equal(SeccompFilterBuilder.FilesystemRequests.Length, SeccompFilterBuilder.FilesystemRequests.Distinct().Count());
        Assert.Empty(SeccompFilterBuilder.FilesystemRequests.Intersect(MetadataSyscalls.AttributeRequests));
    }
}
