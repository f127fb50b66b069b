using Nono.Core.Capabilities;
using Nono.Core.Sandbox;
using Nono.Core.Sandbox.Interop;
using static Nono.Core.Sandbox.Interop.Interop.Seccomp;
using static Nono.Core.Sandbox.Interop.Interop.SeccompNotify;

namespace Nono.Core.Tests.Sandbox;

/// <summary>
/// The landlock-tcp tier's listen guard: with the supervisor's filter installed, every <c>listen(2)</c> goes to it
/// (USER_NOTIF, whatever the arguments); without it the enforcing filter refuses every listen with EACCES; outside the
/// tier listen is allowed. Nothing else changes. Both architectures, in the BPF interpreter.
/// </summary>
public sealed partial class SeccompFilterBuilderTests
{
    private const uint EaccesAction = SECCOMP_RET_ERRNO | 13;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ListenGuard_NotifiedWithSupervisor_RefusedWithout_AllowedOutsideTheTier(bool allowUnix)
    {
        foreach (ArchSyscalls arch in new[] { SyscallNumbersX64.Table, SyscallNumbersArm64.Table })
        {
            sock_filter[] deferring = SeccompFilterBuilder.Build(arch, NetworkMode.Proxy, allowUnix, deferRefusals: true, guardListens: true);
            sock_filter[] alone = SeccompFilterBuilder.Build(arch, NetworkMode.Proxy, allowUnix, deferRefusals: false, guardListens: true);
            sock_filter[] unguarded = SeccompFilterBuilder.Build(arch, NetworkMode.Proxy, allowUnix, deferRefusals: true);
            sock_filter[] recording = ObservedSyscalls.BuildFilter(arch.AuditArch, ObservedSyscalls.None, new RecordedNetwork(arch, NetworkMode.Proxy, false, GuardListens: true));
            sock_filter[] recordingUnguarded = ObservedSyscalls.BuildFilter(arch.AuditArch, ObservedSyscalls.None, new RecordedNetwork(arch, NetworkMode.Proxy, false));
            ulong[][] listens = [[3, 5], [0, 0], [uint.MaxValue, uint.MaxValue], [3UL | (7UL << 32), 4096]];
            foreach (ulong[] args in listens)
            {
                Assert.Equal(SECCOMP_RET_USER_NOTIF, Combine(RunArgs(deferring, arch.AuditArch, arch.listen, args), RunArgs(recording, arch.AuditArch, arch.listen, args)));
                Assert.Equal(EaccesAction, RunArgs(alone, arch.AuditArch, arch.listen, args)); // no supervisor: fail closed
                Assert.Equal(SECCOMP_RET_ALLOW, Combine(RunArgs(unguarded, arch.AuditArch, arch.listen, args), RunArgs(recordingUnguarded, arch.AuditArch, arch.listen, args)));
            }

            // Allow mode never guards (there is no network restriction to keep).
            Assert.Equal(SECCOMP_RET_ALLOW, RunArgs(SeccompFilterBuilder.Build(arch, NetworkMode.Allow, allowUnix, guardListens: true), arch.AuditArch, arch.listen, [3, 5]));

            foreach ((int nr, ulong[] args, _) in Calls(arch))
            {
                Assert.True(RunArgs(recordingUnguarded, arch.AuditArch, nr, args) == RunArgs(recording, arch.AuditArch, nr, args), $"{arch.Name} nr {nr}");
                Assert.True(RunArgs(SeccompFilterBuilder.Build(arch, NetworkMode.Proxy, allowUnix), arch.AuditArch, nr, args) == RunArgs(alone, arch.AuditArch, nr, args), $"{arch.Name} nr {nr}");
            }

            // Neighbouring numbers are untouched, and a foreign architecture's listen is killed by the enforcing filter.
            Assert.Equal(SECCOMP_RET_ALLOW, RunArgs(recording, arch.AuditArch, arch.listen + 1, [3, 5]));
            Assert.Equal(SECCOMP_RET_ALLOW, RunArgs(alone, arch.AuditArch, arch.listen - 1, [3, 5]));
            Assert.Equal(SECCOMP_RET_KILL_PROCESS, Combine(RunArgs(deferring, 0x40000003, arch.listen, [3, 5]), RunArgs(recording, 0x40000003, arch.listen, [3, 5])));
        }
    }
}
