using Nono.Core.Capabilities;
using Nono.Core.Sandbox;
using Nono.Core.Sandbox.Interop;
using static Nono.Core.Sandbox.Interop.Interop.Seccomp;

namespace Nono.Core.Tests.Sandbox;

/// <summary>
/// User namespaces (unshare/clone with CLONE_NEWUSER) and the shared IPC calls, on both architectures. Real kernel:
/// RunCommandTests.Run_UserNamespace_* and Run_HostSharedMemory_*.
/// </summary>
public sealed partial class SeccompFilterBuilderTests
{
    private const ulong CloneNewUser = 0x10000000;
    private const ulong CloneNewNs = 0x00020000;
    private const ulong Sigchld = 17;
    private const ulong ThreadFlags = 0x003d0f00; // glibc's pthread_create: CLONE_VM|FS|FILES|SIGHAND|THREAD|SYSVSEM|SETTLS|PARENT_SETTID|CHILD_CLEARTID

    [Theory]
    [InlineData(NetworkMode.Allow)]
    [InlineData(NetworkMode.Block)]
    public void Build_UserNamespaces_RefusedForkAndThreadsPass(NetworkMode mode)
    {
        foreach (ArchSyscalls arch in new[] { SyscallNumbersX64.Table, SyscallNumbersArm64.Table })
        {
            sock_filter[] filter = SeccompFilterBuilder.Build(arch, mode, allowUnixSockets: false);
            sock_filter[] optedIn = SeccompFilterBuilder.Build(arch, mode, allowUnixSockets: false, refuseUserNamespaces: false);

            // Whatever the upper word holds (the kernel reads the low word only).
            foreach (ulong flags in new[] { CloneNewUser, CloneNewUser | CloneNewNs, CloneNewUser | 0xffffffff_00000000 })
            {
                Assert.Equal(Eperm, RunArgs(filter, arch.AuditArch, arch.unshare, [flags]));
                Assert.Equal(Eperm, RunArgs(filter, arch.AuditArch, arch.clone, [flags | Sigchld, 0, 0, 0, 0]));
                Assert.Equal(SECCOMP_RET_ALLOW, RunArgs(optedIn, arch.AuditArch, arch.unshare, [flags]));
                Assert.Equal(SECCOMP_RET_ALLOW, RunArgs(optedIn, arch.AuditArch, arch.clone, [flags | Sigchld, 0, 0, 0, 0]));
            }

            // fork, threads, and unshare without a user namespace (the kernel refuses it without CAP_SYS_ADMIN).
            Assert.Equal(SECCOMP_RET_ALLOW, RunArgs(filter, arch.AuditArch, arch.clone, [Sigchld, 0, 0, 0, 0]));
            Assert.Equal(SECCOMP_RET_ALLOW, RunArgs(filter, arch.AuditArch, arch.clone, [ThreadFlags, 0x7f00_0000_1000, 0x1000, 0x2000, 0x3000]));
            Assert.Equal(SECCOMP_RET_ALLOW, RunArgs(filter, arch.AuditArch, arch.clone, [0x00000001_00000000 | Sigchld, 0, 0, 0, 0]));
            Assert.Equal(SECCOMP_RET_ALLOW, RunArgs(filter, arch.AuditArch, arch.unshare, [CloneNewNs]));
        }
    }

    [Fact]
    public void Build_SharedIpc_RefusedOnlyWhenAsked()
    {
        foreach (ArchSyscalls arch in new[] { SyscallNumbersX64.Table, SyscallNumbersArm64.Table })
        {
            sock_filter[] refusing = SeccompFilterBuilder.Build(arch, NetworkMode.Allow, allowUnixSockets: false, refuseSharedIpc: true);
            sock_filter[] open = SeccompFilterBuilder.Build(arch, NetworkMode.Allow, allowUnixSockets: false);

            Assert.Equal(17, SeccompFilterBuilder.SharedIpcSyscalls(arch).Distinct().Count());
            foreach (int number in SeccompFilterBuilder.SharedIpcSyscalls(arch))
            {
                Assert.Equal(Eperm, RunArgs(refusing, arch.AuditArch, number, [0x1234, 4096, 0x3b6]));
                Assert.Equal(SECCOMP_RET_ALLOW, RunArgs(open, arch.AuditArch, number, [0x1234, 4096, 0x3b6]));
            }
        }
    }
}
