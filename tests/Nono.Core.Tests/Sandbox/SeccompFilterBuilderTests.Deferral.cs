using Nono.Core.Capabilities;
using Nono.Core.Sandbox;
using Nono.Core.Sandbox.Interop;
using static Nono.Core.Sandbox.Interop.Interop.Seccomp;
using static Nono.Core.Sandbox.Interop.Interop.SeccompNotify;

namespace Nono.Core.Tests.Sandbox;

/// <summary>
/// Deferred network refusals, decided the way the kernel combines stacked filters (the highest-precedence action wins):
/// the enforcing filter with deferral plus the recording filter must give, for every call, exactly the enforcing filter's
/// own answer, except that the recordable refusals become USER_NOTIF (never ALLOW), and a new listener is refused.
/// Both architectures, every network mode, with and without path calls and UNIX sockets.
/// </summary>
public sealed partial class SeccompFilterBuilderTests
{
    private const int SeccompSetModeFilter = 1;

    public static TheoryData<NetworkMode, bool, bool> RestrictedModes => new()
    {
        { NetworkMode.Block, false, false },
        { NetworkMode.Block, false, true },
        { NetworkMode.Proxy, false, false },
        { NetworkMode.Proxy, true, false },
        { NetworkMode.Proxy, false, true },
        { NetworkMode.Proxy, true, true },
    };

    [Theory]
    [MemberData(nameof(RestrictedModes))]
    public void Deferred_CombinedWithRecordingFilter_RefusalsBecomeNotifications_NothingElseChanges(NetworkMode mode, bool namespaceDatagrams, bool allowUnix)
    {
        foreach (ArchSyscalls arch in new[] { SyscallNumbersX64.Table, SyscallNumbersArm64.Table })
        {
            sock_filter[] plain = SeccompFilterBuilder.Build(arch, mode, allowUnix, namespaceDatagrams);
            sock_filter[] deferring = SeccompFilterBuilder.Build(arch, mode, allowUnix, namespaceDatagrams, deferRefusals: true);
            sock_filter[] recording = ObservedSyscalls.BuildFilter(arch.AuditArch, ObservedSyscalls.None, new RecordedNetwork(arch, mode, namespaceDatagrams));
            int notified = 0;
            foreach ((int nr, ulong[] args, bool recordable) in Calls(arch))
            {
                uint alone = RunArgs(plain, arch.AuditArch, nr, args);
                uint combined = Combine(RunArgs(deferring, arch.AuditArch, nr, args), RunArgs(recording, arch.AuditArch, nr, args));
                string call = $"{arch.Name} nr {nr} args {string.Join(',', args)}";
                if (nr == arch.seccomp && (args[1] & (ulong)SECCOMP_FILTER_FLAG_NEW_LISTENER) != 0)
                {
                    Assert.True(Eperm == combined, call); // no second listener while deferring
                }
                else if (recordable && alone == Eperm)
                {
                    Assert.True(SECCOMP_RET_USER_NOTIF == combined, call);
                    notified++;
                }
                else
                {
                    Assert.True(alone == combined, $"{call}: alone {alone:x}, combined {combined:x}");
                }
            }

            Assert.True(notified > 0);
            // A foreign architecture is still killed, and x32 numbers still refused.
            Assert.Equal(SECCOMP_RET_KILL_PROCESS, Combine(RunArgs(deferring, 0x40000003, arch.socket, [2, 2, 0]), RunArgs(recording, 0x40000003, arch.socket, [2, 2, 0])));
            if (arch.X32SyscallBit != 0)
            {
                int x32Socket = (int)((uint)arch.socket | arch.X32SyscallBit);
                Assert.Equal(Eperm, Combine(RunArgs(deferring, arch.AuditArch, x32Socket, [2, 2, 0]), RunArgs(recording, arch.AuditArch, x32Socket, [2, 2, 0])));
            }
        }
    }

    [Fact]
    public void Deferred_PathCallsStillNotified_RecordingFilterNeverRefusesByItself()
    {
        ArchSyscalls arch = Interop.SyscallNumbers.Current;
        sock_filter[] recording = ObservedSyscalls.BuildFilter(arch.AuditArch, ObservedSyscalls.Current, new RecordedNetwork(arch, NetworkMode.Proxy, false));
        foreach (int path in ObservedSyscalls.Current.Keys)
        {
            Assert.Equal(SECCOMP_RET_USER_NOTIF, RunArgs(recording, arch.AuditArch, path, [0, 0, 0]));
        }

        foreach ((int nr, ulong[] args, _) in Calls(arch))
        {
            Assert.Contains(RunArgs(recording, arch.AuditArch, nr, args), new[] { SECCOMP_RET_ALLOW, SECCOMP_RET_USER_NOTIF });
        }
    }

    [Fact]
    public void Deferral_IgnoredInAllowMode()
    {
        ArchSyscalls arch = SyscallNumbersX64.Table;

        Assert.Equal(SeccompFilterBuilder.Build(arch, NetworkMode.Allow, false), SeccompFilterBuilder.Build(arch, NetworkMode.Allow, false, deferRefusals: true));
    }

    /// <summary>socket(2) over families, types and protocols; the send calls with and without MSG_FASTOPEN; others.</summary>
    private static IEnumerable<(int Nr, ulong[] Args, bool Recordable)> Calls(ArchSyscalls arch)
    {
        foreach (ulong family in new ulong[] { 1, 2, 10, 16, 17, 40, 44 })
        {
            foreach (ulong type in new ulong[] { 1, 2, 3, 5, 1 | 0x800, 2 | 0x80000 })
            {
                foreach (ulong protocol in new ulong[] { 0, 1, 6, 17, 58, 136, 255, 262, 6UL << 32 })
                {
                    yield return (arch.socket, [family, type, protocol], family is 2 or 10);
                }
            }
        }

        foreach ((int nr, int flagsArgument) in new[] { (arch.sendto, 3), (arch.sendmsg, 2), (arch.sendmmsg, 3) })
        {
            foreach (ulong flags in new ulong[] { 0, MSG_FASTOPEN, MSG_FASTOPEN | MSG_DONTWAIT, MSG_FASTOPEN << 32 })
            {
                ulong[] args = new ulong[6];
                args[flagsArgument] = flags;
                yield return (nr, args, (flags & 0xffffffff & MSG_FASTOPEN) != 0);
            }
        }

        yield return (arch.seccomp, [SeccompSetModeFilter, (ulong)SECCOMP_FILTER_FLAG_NEW_LISTENER, 0], false);
        yield return (arch.seccomp, [SeccompSetModeFilter, 0, 0], false);
        yield return (arch.ptrace, [0, 0, 0], false);
        yield return (arch.socket + 1, [2, 2, 0], false); // a neighbouring number with socket's arguments
    }

    /// <summary>The kernel's choice between two filters' actions: the lower signed action value wins (KILL &lt; ERRNO &lt; USER_NOTIF &lt; ALLOW).</summary>
    private static uint Combine(uint a, uint b) => (int)(a & 0xffff0000) <= (int)(b & 0xffff0000) ? a : b;

    private static uint RunArgs(sock_filter[] program, uint auditArch, int nr, ulong[] args)
    {
        byte[] data = new byte[64];
        BitConverter.TryWriteBytes(data.AsSpan(0), nr);
        BitConverter.TryWriteBytes(data.AsSpan(4), auditArch);
        for (int i = 0; i < args.Length; i++)
        {
            BitConverter.TryWriteBytes(data.AsSpan(16 + (8 * i)), args[i]);
        }

        return Interpret(program, data);
    }
}
