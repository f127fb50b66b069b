using Nono.Core.Capabilities;
using Nono.Core.Sandbox.Interop;
using static Nono.Core.Sandbox.Interop.Interop.Seccomp;
using static Nono.Core.Sandbox.Interop.Interop.SeccompNotify;

namespace Nono.Core.Sandbox;

/// <summary>
/// The network calls the sandbox refuses that can be recorded: <c>socket(2)</c> of <c>AF_INET</c>/<c>AF_INET6</c> outside
/// what the network mode allows, and <c>sendto</c>/<c>sendmsg</c>/<c>sendmmsg</c> with <c>MSG_FASTOPEN</c>. One emitter
/// writes the predicate into both programs, so they agree by construction:
/// <list type="bullet">
/// <item>the enforcing filter (<see cref="SeccompFilterBuilder"/>) returns EPERM for them, or, when the recording filter
/// is installed in the same launch (<c>defer</c>), ALLOW, so the observer filter's action decides;</item>
/// <item>the recording filter (the observer's, <see cref="ObservedSyscalls"/>) returns USER_NOTIF for exactly them and
/// ALLOW for everything else, and the supervisor always answers such a notification with an error.</item>
/// </list>
/// seccomp takes the highest-precedence action of all filters (ERRNO &gt; USER_NOTIF &gt; ALLOW), so without deferral the
/// enforcing EPERM wins; with it, USER_NOTIF wins and the call never runs: the supervisor answers EPERM, and a closed
/// listener (the supervisor gone) makes the kernel answer ENOSYS. Other families (packet, netlink, vsock, UNIX) are refused
/// by the enforcing filter alone, never deferred.
/// </summary>
internal static class NetworkRefusals
{
    internal const uint AF_UNIX = 1;
    internal const uint AF_INET = 2;
    internal const uint AF_INET6 = 10;
    private const int EPERM = 1;
    private const int EACCES = 13;
    private const uint SOCK_STREAM = 1;
    private const uint SOCK_DGRAM = 2;
    private const uint SOCK_TYPE_MASK = 0xf; // strips SOCK_NONBLOCK / SOCK_CLOEXEC
    private const uint IPPROTO_IP = 0; // "default protocol": TCP for SOCK_STREAM, UDP for SOCK_DGRAM
    private const uint IPPROTO_TCP = 6;
    private const uint IPPROTO_UDP = 17;
    internal const uint MSG_FASTOPEN = 0x20000000;

    /// <summary>The enforcing filter's action for a recordable refusal.</summary>
    internal static uint EnforcingAction(bool defer) => defer ? SECCOMP_RET_ALLOW : SECCOMP_RET_ERRNO | EPERM;

    /// <summary>The three send calls and the argument holding their flags, in the order both programs check them.</summary>
    internal static (int Number, int FlagsArgument)[] FastOpenCalls(ArchSyscalls arch) =>
        [(arch.sendto, 3), (arch.sendmsg, 2), (arch.sendmmsg, 3)];

    /// <summary>
    /// Syscall <paramref name="number"/> returns <paramref name="refused"/> when <paramref name="flag"/> is set in the low
    /// word of argument <paramref name="flagsArgument"/> (the kernel reads flags as an unsigned int) and ALLOW otherwise.
    /// Expects the syscall number in the accumulator and leaves it there when the number does not match.
    /// </summary>
    internal static void EmitFlag(List<sock_filter> p, int number, int flagsArgument, uint flag, uint refused)
    {
        p.Add(SeccompFilterBuilder.Jeq((uint)number, 0, 4));
        p.Add(SeccompFilterBuilder.Load(OffsetArgLow(flagsArgument)));
        p.Add(new sock_filter { code = BPF_JMP_JSET_K, jt = 0, jf = 1, k = flag });
        p.Add(SeccompFilterBuilder.Ret(refused));
        p.Add(SeccompFilterBuilder.Ret(SECCOMP_RET_ALLOW));
    }

    /// <summary>
    /// With <c>socket(2)</c>'s family in the accumulator: AF_INET/AF_INET6 return <paramref name="allowed"/> when the mode
    /// allows the type and protocol (proxy: plain TCP streams; with <paramref name="namespaceDatagrams"/> also plain UDP)
    /// and <paramref name="refused"/> otherwise; every other family returns <paramref name="otherFamilies"/>. Always returns.
    /// </summary>
    internal static void EmitInetSocket(List<sock_filter> p, NetworkMode network, bool namespaceDatagrams, uint refused, uint allowed, uint otherFamilies)
    {
        if (network == NetworkMode.Allow)
        {
            throw new ArgumentOutOfRangeException(nameof(network), "nothing is refused in allow mode");
        }

        List<sock_filter> body = [];
        if (network == NetworkMode.Block)
        {
            body.Add(SeccompFilterBuilder.Ret(refused));
        }
        else
        {
            // Only plain TCP stream sockets (Landlock then limits connects to the proxy port). MPTCP (IPPROTO_MPTCP = 262)
            // is not TCP to Landlock ABI <= 7 and is refused, as are raw sockets. In the namespace tier plain UDP datagrams
            // are allowed too (every destination is inside the namespace); ICMP "ping" sockets and UDP-Lite stay refused.
            byte datagramCheck = namespaceDatagrams ? (byte)4 : (byte)0;
            body.Add(SeccompFilterBuilder.Load(OffsetArgLow(1)));
            body.Add(new sock_filter { code = BPF_ALU_AND_K, k = SOCK_TYPE_MASK });
            body.Add(SeccompFilterBuilder.Jeq(SOCK_STREAM, 0, 3));
            body.Add(SeccompFilterBuilder.Load(OffsetArgLow(2)));
            body.Add(SeccompFilterBuilder.Jeq(IPPROTO_IP, (byte)(2 + datagramCheck), 0));
            body.Add(SeccompFilterBuilder.Jeq(IPPROTO_TCP, (byte)(1 + datagramCheck), datagramCheck));
            if (namespaceDatagrams)
            {
                body.Add(SeccompFilterBuilder.Jeq(SOCK_DGRAM, 0, 3));
                body.Add(SeccompFilterBuilder.Load(OffsetArgLow(2)));
                body.Add(SeccompFilterBuilder.Jeq(IPPROTO_IP, 2, 0));
                body.Add(SeccompFilterBuilder.Jeq(IPPROTO_UDP, 1, 0));
            }

            body.Add(SeccompFilterBuilder.Ret(refused));
            body.Add(SeccompFilterBuilder.Ret(allowed));
        }

        p.Add(SeccompFilterBuilder.Jeq(AF_INET, 1, 0));
        p.Add(SeccompFilterBuilder.Jeq(AF_INET6, 0, checked((byte)body.Count)));
        p.AddRange(body);
        p.Add(SeccompFilterBuilder.Ret(otherFamilies));
    }

    /// <summary>
    /// The enforcing filter's <c>listen(2)</c> rule in the <c>landlock-tcp</c> tier (<paramref name="guarded"/>): Landlock
    /// does not check the automatic bind of listen on an unbound TCP socket, and BPF cannot see which socket an fd is. With
    /// the supervisor's filter installed (<paramref name="defer"/>) listen is allowed here and that filter's USER_NOTIF
    /// decides; without it (no listener could be made) every listen fails with EACCES: fail closed, UNIX sockets included.
    /// </summary>
    internal static void EmitListenGuard(List<sock_filter> p, ArchSyscalls arch, bool guarded, bool defer)
    {
        if (guarded && !defer)
        {
            p.Add(SeccompFilterBuilder.Jeq((uint)arch.listen, 0, 1));
            p.Add(SeccompFilterBuilder.Ret(SECCOMP_RET_ERRNO | EACCES));
        }
    }

    /// <summary>
    /// The recording filter's network section, with the syscall number in the accumulator: USER_NOTIF for exactly the calls
    /// the enforcing filter defers, ALLOW for the other socket and send calls; any other number falls through unchanged.
    /// With <paramref name="notifyConnects"/> every <c>connect(2)</c> is notified too: BPF cannot read the address behind
    /// the pointer, so the supervisor reads it and refuses (and records) what Landlock's port rule would refuse. The
    /// enforcing filter allows connect, so this USER_NOTIF decides; Landlock still checks every connect that goes on.
    /// With <paramref name="notifyListens"/> every <c>listen(2)</c> is notified: the supervisor listens on a checked copy of
    /// the socket or refuses (<see cref="EmitListenGuard"/>); the enforcing filter then allows listen.
    /// </summary>
    internal static void EmitRecording(List<sock_filter> p, ArchSyscalls arch, NetworkMode network, bool namespaceDatagrams, bool notifyConnects = false, bool notifyListens = false)
    {
        if (notifyListens)
        {
            p.Add(SeccompFilterBuilder.Jeq((uint)arch.listen, 0, 1));
            p.Add(SeccompFilterBuilder.Ret(SECCOMP_RET_USER_NOTIF));
        }

        if (notifyConnects)
        {
            p.Add(SeccompFilterBuilder.Jeq((uint)arch.connect, 0, 1));
            p.Add(SeccompFilterBuilder.Ret(SECCOMP_RET_USER_NOTIF));
        }

        foreach ((int number, int flagsArgument) in FastOpenCalls(arch))
        {
            EmitFlag(p, number, flagsArgument, MSG_FASTOPEN, SECCOMP_RET_USER_NOTIF);
        }

        List<sock_filter> socket = [SeccompFilterBuilder.Load(OffsetArgLow(0))];
        EmitInetSocket(socket, network, namespaceDatagrams, refused: SECCOMP_RET_USER_NOTIF, allowed: SECCOMP_RET_ALLOW, otherFamilies: SECCOMP_RET_ALLOW);
        p.Add(SeccompFilterBuilder.Jeq((uint)arch.socket, 0, checked((byte)socket.Count)));
        p.AddRange(socket);
    }
}
