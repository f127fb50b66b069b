using Nono.Core.Capabilities;
using Nono.Core.Sandbox;
using Nono.Core.Sandbox.Interop;
using static Nono.Core.Sandbox.Interop.Interop.Seccomp;
using static Nono.Core.Sandbox.Interop.Interop.SeccompNotify;

namespace Nono.Core.Tests.Sandbox;

/// <summary>
/// The landlock-tcp tier's connect notification: with the allowed ports given, the recording filter sends every
/// <c>connect(2)</c> to the supervisor (the enforcing filter allows connect, so USER_NOTIF decides), and changes nothing
/// else; without them connect is not notified. Both architectures.
/// </summary>
public sealed partial class SeccompFilterBuilderTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ConnectsNotified_OnlyWithConnectPorts_NothingElseChanges(bool allowUnix)
    {
        foreach (ArchSyscalls arch in new[] { SyscallNumbersX64.Table, SyscallNumbersArm64.Table })
        {
            sock_filter[] deferring = SeccompFilterBuilder.Build(arch, NetworkMode.Proxy, allowUnix, namespaceDatagrams: false, deferRefusals: true);
            sock_filter[] without = ObservedSyscalls.BuildFilter(arch.AuditArch, ObservedSyscalls.None, new RecordedNetwork(arch, NetworkMode.Proxy, false));
            sock_filter[] with = ObservedSyscalls.BuildFilter(arch.AuditArch, ObservedSyscalls.None, new RecordedNetwork(arch, NetworkMode.Proxy, false, [8080]));
            ulong[][] connects = [[3, 0x7fff0000, 16], [3, 0, 0], [uint.MaxValue, 1, uint.MaxValue], [3, 0x7fff0000, 28UL << 32]];
            foreach (ulong[] args in connects)
            {
                Assert.Equal(SECCOMP_RET_ALLOW, RunArgs(deferring, arch.AuditArch, arch.connect, args)); // the enforcing filter alone
                Assert.Equal(SECCOMP_RET_ALLOW, Combine(RunArgs(deferring, arch.AuditArch, arch.connect, args), RunArgs(without, arch.AuditArch, arch.connect, args)));
                Assert.Equal(SECCOMP_RET_USER_NOTIF, Combine(RunArgs(deferring, arch.AuditArch, arch.connect, args), RunArgs(with, arch.AuditArch, arch.connect, args)));
            }

            foreach ((int nr, ulong[] args, _) in Calls(arch))
            {
                if (nr != arch.connect)
                {
                    Assert.True(RunArgs(without, arch.AuditArch, nr, args) == RunArgs(with, arch.AuditArch, nr, args), $"{arch.Name} nr {nr}");
                }
            }

            // Neighbouring numbers are not notified, and a foreign architecture's connect is left to the enforcing filter (kill).
            Assert.Equal(SECCOMP_RET_ALLOW, RunArgs(with, arch.AuditArch, arch.connect + 1, [3, 0, 16]));
            Assert.Equal(SECCOMP_RET_ALLOW, RunArgs(with, arch.AuditArch, arch.connect - 1, [3, 0, 16]));
            Assert.Equal(SECCOMP_RET_KILL_PROCESS, Combine(RunArgs(deferring, 0x40000003, arch.connect, [3, 0, 16]), RunArgs(with, 0x40000003, arch.connect, [3, 0, 16])));
        }
    }
}
