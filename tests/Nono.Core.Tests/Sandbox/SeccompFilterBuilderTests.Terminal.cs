using Nono.Core.Capabilities;
using Nono.Core.Sandbox;
using Nono.Core.Sandbox.Interop;
using static Nono.Core.Sandbox.Interop.Interop.Seccomp;

namespace Nono.Core.Tests.Sandbox;

/// <summary>
/// The terminal ioctls that act outside the sandbox (TIOCSTI, TIOCLINUX, TIOCSIG, TIOCVHANGUP, TIOCCONS, and TIOCSCTTY as
/// a steal) are refused on both architectures and in every network mode, by the low word of the request as the kernel
/// reads it; every other ioctl and call is untouched. The real-kernel proofs are
/// RunCommandTests.Run_OnATerminal_TiocstiRefusedOtherTerminalCallsWork and RunCommandTests.Run_AsRoot_CannotHangUpTheUsersTerminal.
/// </summary>
public sealed partial class SeccompFilterBuilderTests
{
    private const ulong TIOCSTI = 0x5412;
    private const ulong TIOCLINUX = 0x541C;
    private const ulong TIOCSIG = 0x40045436;
    private const ulong TCGETS = 0x5401;
    private const ulong TIOCGWINSZ = 0x5413;
    private const ulong TIOCSPGRP = 0x5410;
    private const ulong TIOCVHANGUP = 0x5437;
    private const ulong TIOCCONS = 0x541D;
    private const ulong TIOCSCTTY = 0x540E;

    [Theory]
    [InlineData(NetworkMode.Allow)]
    [InlineData(NetworkMode.Proxy)]
    [InlineData(NetworkMode.Block)]
    public void Build_TerminalInjectionIoctls_Refused_OtherIoctlsAllowed(NetworkMode mode)
    {
        foreach (ArchSyscalls arch in new[] { SyscallNumbersX64.Table, SyscallNumbersArm64.Table })
        {
            foreach (bool defer in new[] { false, true })
            {
                sock_filter[] program = SeccompFilterBuilder.Build(arch, mode, allowUnixSockets: false, deferRefusals: defer);
                foreach (ulong request in new[] { TIOCSTI, TIOCLINUX, TIOCSIG, TIOCVHANGUP, TIOCCONS })
                {
                    Assert.Equal(Eperm, Run(program, arch, arch.ioctl, 1, request));
                    Assert.Equal(Eperm, Run(program, arch, arch.ioctl, 1, request | 0xffffffff_00000000)); // high word ignored by the kernel
                    Assert.Equal(SECCOMP_RET_ALLOW, Run(program, arch, arch.ioctl, 1, request << 32)); // low word 0: not this request
                    Assert.Equal(SECCOMP_RET_ALLOW, Run(program, arch, arch.sendto, 1, request)); // another call with that value
                }

                foreach (ulong request in new[] { TCGETS, TIOCGWINSZ, TIOCSPGRP })
                {
                    Assert.Equal(SECCOMP_RET_ALLOW, Run(program, arch, arch.ioctl, 1, request));
                }

                Assert.Equal(Eperm, Run(program, arch, arch.ptrace, 0, 0)); // the rest of the program is unchanged
            }
        }
    }

    /// <summary>
    /// TIOCSCTTY with a nonzero argument (the kernel reads it as an int) steals another session's terminal and is refused;
    /// with 0, how programs give a new pty to their child, it is allowed. The vhangup syscall is refused outright.
    /// </summary>
    [Theory]
    [InlineData(NetworkMode.Allow)]
    [InlineData(NetworkMode.Proxy)]
    [InlineData(NetworkMode.Block)]
    public void Build_TerminalSteal_Refused_NewControllingTerminalAllowed(NetworkMode mode)
    {
        foreach (ArchSyscalls arch in new[] { SyscallNumbersX64.Table, SyscallNumbersArm64.Table })
        {
            foreach (bool defer in new[] { false, true })
            {
                sock_filter[] program = SeccompFilterBuilder.Build(arch, mode, allowUnixSockets: false, deferRefusals: defer);
                foreach (ulong steal in new ulong[] { 1, 2, 0xffffffff, 0x1_00000001 })
                {
                    Assert.Equal(Eperm, RunArgs(program, arch.AuditArch, arch.ioctl, [3, TIOCSCTTY, steal]));
                    Assert.Equal(Eperm, RunArgs(program, arch.AuditArch, arch.ioctl, [3, TIOCSCTTY | 0xffffffff_00000000, steal]));
                }

                Assert.Equal(SECCOMP_RET_ALLOW, RunArgs(program, arch.AuditArch, arch.ioctl, [3, TIOCSCTTY, 0]));
                Assert.Equal(SECCOMP_RET_ALLOW, RunArgs(program, arch.AuditArch, arch.ioctl, [3, TIOCSCTTY, 0xffffffff_00000000])); // (int)arg == 0
                Assert.Equal(SECCOMP_RET_ALLOW, RunArgs(program, arch.AuditArch, arch.ioctl, [3, TIOCSPGRP, 1])); // only TIOCSCTTY looks at the argument
                Assert.Equal(SECCOMP_RET_ALLOW, RunArgs(program, arch.AuditArch, arch.ioctl, [3, TIOCSCTTY << 32, 1]));
                Assert.Equal(Eperm, RunArgs(program, arch.AuditArch, arch.vhangup, [0, 0, 0]));
                Assert.Equal(SECCOMP_RET_ALLOW, RunArgs(program, arch.AuditArch, arch.vhangup + 1, [0, 0, 0])); // modify_ldt / pipe2: not refused
            }
        }
    }
}
