using Nono.Core.Capabilities;
using Nono.Core.Sandbox;
using Nono.Core.Sandbox.Interop;
using static Nono.Core.Sandbox.Interop.Interop.Seccomp;

namespace Nono.Core.Tests.Sandbox;

/// <summary>
/// Below Landlock ABI 5 opens with access mode 3 (which Landlock does not check) are refused with EACCES and openat2
/// with ENOSYS; every other access mode, and every open when the flag is off, passes. The real-kernel proof is
/// RunCommandTests.Run_Abi4WithOnlyDevGrants_NeedsNoOptInAndRefusesIoctlOnlyOpens.
/// </summary>
public sealed partial class SeccompFilterBuilderTests
{
    private const uint Eacces = SECCOMP_RET_ERRNO | 13;
    private const uint Enosys = SECCOMP_RET_ERRNO | 38;
    private const int Openat2 = 437;

    [Theory]
    [InlineData(NetworkMode.Allow)]
    [InlineData(NetworkMode.Block)]
    public void Build_IoctlOnlyOpens_RefusedOnlyWhenAsked(NetworkMode mode)
    {
        foreach (ArchSyscalls arch in new[] { SyscallNumbersX64.Table, SyscallNumbersArm64.Table })
        {
            sock_filter[] refusing = SeccompFilterBuilder.Build(arch, mode, allowUnixSockets: false, refuseIoctlOnlyOpens: true);
            sock_filter[] plain = SeccompFilterBuilder.Build(arch, mode, allowUnixSockets: false);
            foreach (ulong flags in new ulong[] { 0, 1, 2, 0x80002, 0x800c1 })
            {
                Assert.Equal(SECCOMP_RET_ALLOW, RunArgs(refusing, arch.AuditArch, arch.openat, [unchecked((ulong)-100), 0x1000, flags]));
            }

            foreach (ulong flags in new ulong[] { 3, 0x80003, 0x800c3, 0xffffffff_00000003 })
            {
                Assert.Equal(Eacces, RunArgs(refusing, arch.AuditArch, arch.openat, [unchecked((ulong)-100), 0x1000, flags]));
                Assert.Equal(SECCOMP_RET_ALLOW, RunArgs(plain, arch.AuditArch, arch.openat, [unchecked((ulong)-100), 0x1000, flags]));
                if (arch.open >= 0)
                {
                    Assert.Equal(Eacces, RunArgs(refusing, arch.AuditArch, arch.open, [0x1000, flags, 0]));
                }
            }

            Assert.Equal(SECCOMP_RET_ALLOW, RunArgs(refusing, arch.AuditArch, arch.openat, [3, 0x1000, 0x3_00000000])); // high word ignored
            Assert.Equal(Enosys, RunArgs(refusing, arch.AuditArch, Openat2, [3, 0x1000, 24]));
            Assert.Equal(Enosys, RunArgs(plain, arch.AuditArch, Openat2, [3, 0x1000, 24])); // set-ID modes: in every filter
            Assert.Equal(Eperm, RunArgs(refusing, arch.AuditArch, arch.ptrace, [0, 0, 0])); // the rest is unchanged
        }
    }
}
