using Nono.Core.Sandbox;
using Nono.Core.Sandbox.Interop;
using static Nono.Core.Sandbox.Interop.Interop.Seccomp;
using static Nono.Core.Sandbox.Interop.Interop.SeccompNotify;

namespace Nono.Core.Tests.Sandbox;

/// <summary>
/// The observer's filter sends ioctl to nono only with an attribute request (low word of the request argument). Real
/// kernel: RunCommandTests.Run_AttributeIoctls_RefusedOutsideTheWritableGrants_WorkInside.
/// </summary>
public sealed partial class SeccompFilterBuilderTests
{
    [Fact]
    public void ObserverFilter_AttributeIoctlsNotified_OtherIoctlsPass()
    {
        ArchSyscalls arch = Interop.SyscallNumbers.Current;
        sock_filter[] metadata = ObservedSyscalls.BuildFilter(arch.AuditArch, ObservedSyscalls.None, metadata: true);
        sock_filter[] plain = ObservedSyscalls.BuildFilter(arch.AuditArch, ObservedSyscalls.None);

        foreach (uint request in new uint[] { 0x40086602, 0x40046602, 0x401c5820, 0x40087602, 0x40047602, 0x40806685 })
        {
            Assert.Equal(SECCOMP_RET_USER_NOTIF, RunArgs(metadata, arch.AuditArch, arch.ioctl, [3, request, 0x1000]));
            Assert.Equal(SECCOMP_RET_USER_NOTIF, RunArgs(metadata, arch.AuditArch, arch.ioctl, [3, 0xffffffff_00000000 | request, 0x1000]));
            Assert.Equal(SECCOMP_RET_ALLOW, RunArgs(plain, arch.AuditArch, arch.ioctl, [3, request, 0x1000]));
        }

        // FS_IOC_GETFLAGS, FIONREAD, TCGETS: untouched.
        foreach (uint request in new uint[] { 0x80086601, 0x541B, 0x5401 })
        {
            Assert.Equal(SECCOMP_RET_ALLOW, RunArgs(metadata, arch.AuditArch, arch.ioctl, [3, request, 0x1000]));
        }

        // The calls after ioctl in the program are still notified (the syscall number is still in A).
        int fchmodat = arch.fchmodat;
        Assert.Equal(SECCOMP_RET_USER_NOTIF, RunArgs(metadata, arch.AuditArch, fchmodat, [unchecked((ulong)-100), 0x1000, 0x1a4]));
    }

    [Fact]
    public void SupervisedMetadata_FileSetattr_GetsEnosys()
    {
        ArchSyscalls arch = Interop.SyscallNumbers.Current;
        sock_filter[] filter = SeccompFilterBuilder.Build(arch, Nono.Core.Capabilities.NetworkMode.Allow, allowUnixSockets: false, superviseMetadata: true);

        Assert.Equal(Enosys, RunArgs(filter, arch.AuditArch, 469, [unchecked((ulong)-100), 0x1000, 0x2000, 32, 0]));
    }
}
