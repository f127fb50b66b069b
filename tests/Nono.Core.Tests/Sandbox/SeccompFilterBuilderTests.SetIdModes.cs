using Nono.Core.Capabilities;
using Nono.Core.Sandbox;
using Nono.Core.Sandbox.Interop;
using static Nono.Core.Sandbox.Interop.Interop.Seccomp;

namespace Nono.Core.Tests.Sandbox;

/// <summary>
/// The set-user-ID bit is refused in every mode-taking call (set-group-ID passes: setgid directories) on both architectures, in every network mode; other modes pass, and
/// opens that do not create are not looked at. Real kernel: RunCommandTests.Run_SetIdModes_AreRefusedWhileOrdinaryModesWork.
/// </summary>
public sealed partial class SeccompFilterBuilderTests
{
    [Theory]
    [InlineData(NetworkMode.Allow)]
    [InlineData(NetworkMode.Block)]
    public void Build_SetIdModes_RefusedInEveryModeTakingCall(NetworkMode mode)
    {
        foreach (ArchSyscalls arch in new[] { SyscallNumbersX64.Table, SyscallNumbersArm64.Table })
        {
            sock_filter[] filter = SeccompFilterBuilder.Build(arch, mode, allowUnixSockets: false);
            ulong atCwd = unchecked((ulong)-100);
            List<(int Number, Func<ulong, ulong[]> Args)> calls =
            [
                (arch.fchmod, m => [3, m]),
                (arch.fchmodat, m => [atCwd, 0x1000, m]),
                (452, m => [atCwd, 0x1000, m, 0]),
                (arch.mknodat, m => [atCwd, 0x1000, 0x8000 | m, 0]),
                (arch.openat, m => [atCwd, 0x1000, 0x41, m]),
                (arch.openat, m => [atCwd, 0x1000, 0x410000, m]), // O_TMPFILE
            ];
            if (arch.chmod >= 0)
            {
                calls.Add((arch.chmod, m => [0x1000, m]));
                calls.Add((arch.creat, m => [0x1000, m]));
                calls.Add((arch.mknod, m => [0x1000, 0x8000 | m, 0]));
                calls.Add((arch.open, m => [0x1000, 0x241, m]));
            }

            foreach ((int number, Func<ulong, ulong[]> args) in calls)
            {
                foreach (ulong setId in new ulong[] { 0x800, 0xC00, 0xDED, 0xffffffff_00000800 })
                {
                    Assert.Equal(Eperm, RunArgs(filter, arch.AuditArch, number, args(setId)));
                }

                foreach (ulong plain in new ulong[] { 0x1ED, 0x1FF, 0x200, 0x180, 0x00000800_000001ED, 0x400, 0x5ED })
                {
                    Assert.Equal(SECCOMP_RET_ALLOW, RunArgs(filter, arch.AuditArch, number, args(plain)));
                }
            }

            // An open that does not create: the mode argument is not looked at.
            Assert.Equal(SECCOMP_RET_ALLOW, RunArgs(filter, arch.AuditArch, arch.openat, [atCwd, 0x1000, 0x2, 0xDED]));
            Assert.Equal(Enosys, RunArgs(filter, arch.AuditArch, Openat2, [3, 0x1000, 24]));
        }
    }
}
