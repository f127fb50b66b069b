using Nono.Core.Capabilities;
using Nono.Core.Sandbox;
using Nono.Core.Sandbox.Interop;

namespace Nono.Core.Tests.Sandbox;

public sealed partial class SeccompFilterBuilderTests
{
    [Theory]
    [InlineData(NetworkMode.Allow, false)]
    [InlineData(NetworkMode.Block, false)]
    [InlineData(NetworkMode.Proxy, false)]
    [InlineData(NetworkMode.Proxy, true)]
    public void Build_EveryJump_StaysInsideProgramAndEndsInReturn(NetworkMode mode, bool namespaceDatagrams)
    {
        foreach (ArchSyscalls arch in new[] { SyscallNumbersX64.Table, SyscallNumbersArm64.Table })
        {
            Interop.Seccomp.sock_filter[] program = SeccompFilterBuilder.Build(arch, mode, allowUnixSockets: false, namespaceDatagrams);

            Assert.Equal(arch.AuditArch, program[1].k); // architecture checked first
            Assert.Equal(Interop.Seccomp.SECCOMP_RET_KILL_PROCESS, program[2].k);
            Assert.Equal(Interop.Seccomp.BPF_RET_K, program[^1].code);
            for (int i = 0; i < program.Length; i++)
            {
                if ((program[i].code & 0x07) == 0x05)
                {
                    Assert.InRange(i + 1 + program[i].jt, 0, program.Length - 1);
                    Assert.InRange(i + 1 + program[i].jf, 0, program.Length - 1);
                }
            }
        }
    }

    [Fact]
    public void DeniedSyscalls_X64AndArm64_HaveDistinctValidNumbers()
    {
        foreach (ArchSyscalls arch in new[] { SyscallNumbersX64.Table, SyscallNumbersArm64.Table })
        {
            var denied = SeccompFilterBuilder.DeniedSyscalls(arch);

            Assert.Equal(denied.Count, denied.Select(d => d.Number).Distinct().Count());
            Assert.Contains(denied, d => d.Name == "ptrace");
            Assert.Contains(denied, d => d.Name == "io_uring_setup");
        }
    }
}
