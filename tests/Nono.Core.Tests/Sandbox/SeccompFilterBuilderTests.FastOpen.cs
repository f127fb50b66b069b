using Nono.Core.Capabilities;
using Nono.Core.Sandbox;
using Nono.Core.Sandbox.Interop;
using static Nono.Core.Sandbox.Interop.Interop.Seccomp;

namespace Nono.Core.Tests.Sandbox;

/// <summary>
/// The MSG_FASTOPEN rule, decided by running the built program over seccomp_data the way the kernel does (the
/// end-to-end proof against the real kernel is RunNetworkTests.Run_TcpFastOpenToAnotherPort_*). Covers both
/// architectures' numbers, each call's flags argument, and that only the low word of the 64-bit argument counts.
/// </summary>
public sealed partial class SeccompFilterBuilderTests
{
    private const ulong MSG_FASTOPEN = 0x20000000;
    private const ulong MSG_DONTWAIT = 0x40;
    private const uint Eperm = SECCOMP_RET_ERRNO | 1;

    [Theory]
    [InlineData(NetworkMode.Proxy, false)]
    [InlineData(NetworkMode.Proxy, true)]
    [InlineData(NetworkMode.Block, false)]
    public void Build_MsgFastOpen_DeniedOnSendCalls_OtherFlagsAndCallsAllowed(NetworkMode mode, bool namespaceDatagrams)
    {
        foreach (ArchSyscalls arch in new[] { SyscallNumbersX64.Table, SyscallNumbersArm64.Table })
        {
            sock_filter[] program = SeccompFilterBuilder.Build(arch, mode, allowUnixSockets: false, namespaceDatagrams);
            foreach ((int nr, int flagsArgument) in new[] { (arch.sendto, 3), (arch.sendmsg, 2), (arch.sendmmsg, 3) })
            {
                Assert.Equal(Eperm, Run(program, arch, nr, flagsArgument, MSG_FASTOPEN));
                Assert.Equal(Eperm, Run(program, arch, nr, flagsArgument, MSG_FASTOPEN | MSG_DONTWAIT | 0xffffffff_00000000));
                Assert.Equal(SECCOMP_RET_ALLOW, Run(program, arch, nr, flagsArgument, MSG_DONTWAIT));
                Assert.Equal(SECCOMP_RET_ALLOW, Run(program, arch, nr, flagsArgument, MSG_FASTOPEN << 32)); // the kernel ignores the high word
                Assert.Equal(SECCOMP_RET_ALLOW, Run(program, arch, nr, flagsArgument == 3 ? 2 : 3, MSG_FASTOPEN)); // another argument
            }

            Assert.Equal(Eperm, Run(program, arch, arch.ptrace, 0, 0)); // the rest of the program is unchanged
            Assert.Equal(SECCOMP_RET_ALLOW, Run(program, arch, arch.seccomp, 3, MSG_FASTOPEN));
        }
    }

    [Fact]
    public void Build_AllowMode_MsgFastOpenAllowed()
    {
        ArchSyscalls arch = SyscallNumbersX64.Table;
        sock_filter[] program = SeccompFilterBuilder.Build(arch, NetworkMode.Allow, allowUnixSockets: false);

        Assert.Equal(SECCOMP_RET_ALLOW, Run(program, arch, arch.sendto, 3, MSG_FASTOPEN));
    }

    /// <summary>Runs the classic-BPF subset the builder emits over one seccomp_data (little-endian, as on both architectures).</summary>
    private static uint Run(sock_filter[] program, ArchSyscalls arch, int nr, int argument, ulong value)
    {
        byte[] data = new byte[64];
        BitConverter.TryWriteBytes(data.AsSpan(0), nr);
        BitConverter.TryWriteBytes(data.AsSpan(4), arch.AuditArch);
        BitConverter.TryWriteBytes(data.AsSpan(16 + (8 * argument)), value);
        return Interpret(program, data);
    }

    /// <summary>Runs the classic-BPF subset the builders emit over a 64-byte seccomp_data.</summary>
    private static uint Interpret(sock_filter[] program, byte[] data)
    {
        uint a = 0;
        for (int pc = 0; ; pc++)
        {
            sock_filter f = program[pc];
            switch (f.code)
            {
                case BPF_LD_W_ABS: a = BitConverter.ToUInt32(data, (int)f.k); break;
                case BPF_ALU_AND_K: a &= f.k; break;
                case BPF_JMP_JEQ_K: pc += a == f.k ? f.jt : f.jf; break;
                case BPF_JMP_JSET_K: pc += (a & f.k) != 0 ? f.jt : f.jf; break;
                case BPF_RET_K: return f.k;
                default: throw new InvalidOperationException($"instruction {f.code:x} not emulated");
            }
        }
    }
}
