using Nono.Core.Capabilities;
using Nono.Core.Sandbox;
using Nono.Core.Sandbox.Interop;
using static Nono.Core.Sandbox.Interop.Interop.Seccomp;

namespace Nono.Core.Tests.Sandbox;

/// <summary>
/// clone3 (CLONE_INTO_CGROUP), prlimit64 on another process and unbound datagram pairs, on both architectures in every
/// network mode. Real kernel: RunCommandTests.Run_ProcessEscapes_AreRefusedWhileThreadsChildrenAndOwnLimitsWork.
/// </summary>
public sealed partial class SeccompFilterBuilderTests
{
    private const int Clone3 = 435;
    private const int OpenTreeAttr = 467;
    private const ulong AfUnix = 1;
    private const ulong AfInet = 2;

    [Theory]
    [InlineData(NetworkMode.Allow)]
    [InlineData(NetworkMode.Proxy)]
    [InlineData(NetworkMode.Block)]
    public void Build_ProcessEscapes_RefusedOwnLimitsAndStreamPairsPass(NetworkMode mode)
    {
        foreach (ArchSyscalls arch in new[] { SyscallNumbersX64.Table, SyscallNumbersArm64.Table })
        {
            sock_filter[] filter = SeccompFilterBuilder.Build(arch, mode, allowUnixSockets: false);

            Assert.Equal(Enosys, RunArgs(filter, arch.AuditArch, Clone3, [0x1000, 88]));
            Assert.Equal(Eperm, RunArgs(filter, arch.AuditArch, OpenTreeAttr, [unchecked((ulong)-100), 0x1000, 0, 0x1000, 32]));

            // Another process's limits, whatever the upper word holds; the caller's own (pid 0) pass.
            foreach (ulong pid in new ulong[] { 1, 4242, 0xffffffff, 0x00000001_00000001 })
            {
                Assert.Equal(Eperm, RunArgs(filter, arch.AuditArch, arch.prlimit64, [pid, 7, 0x1000, 0]));
            }

            Assert.Equal(SECCOMP_RET_ALLOW, RunArgs(filter, arch.AuditArch, arch.prlimit64, [0, 7, 0x1000, 0x2000]));
            Assert.Equal(SECCOMP_RET_ALLOW, RunArgs(filter, arch.AuditArch, arch.prlimit64, [0x00000001_00000000, 7, 0, 0x2000]));

            // Datagram pairs with SOCK_NONBLOCK/SOCK_CLOEXEC too; stream and seqpacket pairs, and other families, pass.
            foreach (ulong type in new ulong[] { 2, 2 | 0x800, 2 | 0x80000 })
            {
                Assert.Equal(Eperm, RunArgs(filter, arch.AuditArch, arch.socketpair, [AfUnix, type, 0, 0x1000]));
            }

            foreach (ulong type in new ulong[] { 1, 5, 1 | 0x80000 })
            {
                Assert.Equal(SECCOMP_RET_ALLOW, RunArgs(filter, arch.AuditArch, arch.socketpair, [AfUnix, type, 0, 0x1000]));
            }

            Assert.Equal(SECCOMP_RET_ALLOW, RunArgs(filter, arch.AuditArch, arch.socketpair, [AfInet, 2, 0, 0x1000]));

            // Granted UNIX sockets: a datagram pair is no more than socket(AF_UNIX) already allows.
            sock_filter[] granted = SeccompFilterBuilder.Build(arch, mode, allowUnixSockets: true);
            Assert.Equal(SECCOMP_RET_ALLOW, RunArgs(granted, arch.AuditArch, arch.socketpair, [AfUnix, 2, 0, 0x1000]));
        }
    }
}
