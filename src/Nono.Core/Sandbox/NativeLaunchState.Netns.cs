using System.Buffers.Binary;
using System.Globalization;
using Nono.Core.Sandbox.Interop;

namespace Nono.Core.Sandbox;

// SAFETY: as NativeLaunchState.cs: every buffer comes from _memory (zeroed, freed only in Dispose, after the forks),
// and each is allocated with exactly the size its kernel struct needs on LP64 (see ChildNetns).
internal sealed unsafe partial class NativeLaunchState
{
    /// <summary>Room for the proxy variables the supervisor sends the child (see <see cref="ChildNetns"/>).</summary>
    private const int EnvBufferBytes = 64 * 1024;

    private const int EnvExtraEntries = 256;

    private const int CLONE_NEWNET = 0x40000000;

    /// <summary>A context for <see cref="SandboxLauncher.ProbeNetworkNamespace"/>: the namespace steps with lo up, then stop.</summary>
    private NativeLaunchState()
    {
        try
        {
            Context = ProbeContext(ChildContext.FlagNetnsProbe);
            PrepareNetns(1, []);
            Context->HandoffFd = -1;
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Whether the child hands a proxy listener to the supervisor (netns tier, proxy mode).</summary>
    public bool HandsOffListener => (Context->Flags & ChildContext.FlagNetnsProxy) != 0 && (Context->Flags & ChildContext.FlagNetnsProbe) == 0;

    public static NativeLaunchState ForNetnsProbe() => new();

    /// <summary>Prepares every buffer the namespace step needs. <paramref name="proxyPort"/> null: block mode (lo stays down).</summary>
    private void PrepareNetns(int? proxyPort, string[] environment, DnsTrapFault dnsTrapFault = DnsTrapFault.None)
    {
        ChildContext* c = Context;
        // The supervisor clones the child into the new user + network namespace (the PID-namespace tier adds its flags).
        c->Flags |= ChildContext.FlagNetns | ChildContext.FlagNetnsDirect | (proxyPort is null ? 0 : ChildContext.FlagNetnsProxy);
        c->CloneFlags |= SIGCHLD | CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWIPC;
        PrepareUserNamespace();

        // struct ifreq: char ifr_name[16], then a 24-byte union whose first member is short ifr_flags.
        byte* ifreq = (byte*)_memory.Allocate(40);
        ifreq[0] = (byte)'l';
        ifreq[1] = (byte)'o';
        c->LoopbackIfreq = ifreq;

        // struct sockaddr_in: sa_family_t family, in_port_t port (network order), in_addr addr (network order), padding.
        byte* sin = (byte*)_memory.Allocate(16);
        *(ushort*)sin = 2; // AF_INET
        *(ushort*)(sin + 2) = BinaryPrimitives.ReverseEndianness((ushort)(proxyPort ?? 0));
        sin[4] = 127;
        sin[7] = 1;
        c->ListenAddress = sin;

        // One data byte and one SCM_RIGHTS descriptor; the child writes the descriptor into CMSG_DATA.
        c->HandoffMessage = OneDescriptorMessage((byte)'L');
        c->HandoffFd = -1; // set per attempt by the supervisor

        if (proxyPort is not null)
        {
            // envp with room after the base entries for the proxy variables the child receives.
            byte** envp = (byte**)_memory.Allocate((nuint)(sizeof(byte*) * (environment.Length + EnvExtraEntries + 1)));
            for (int i = 0; i < environment.Length; i++)
            {
                envp[i] = _memory.String(environment[i]);
            }

            c->Envp = envp;
            c->EnvBaseCount = environment.Length;
            c->EnvExtraCapacity = EnvExtraEntries;
            c->EnvBuffer = (byte*)_memory.Allocate(EnvBufferBytes);
            c->EnvBufferSize = EnvBufferBytes;
            PrepareDnsRecorder(dnsTrapFault);
        }
    }

    /// <summary>The id maps and capability buffers for a user namespace (<see cref="ChildNetns.MapUserNamespace"/>, <see cref="ChildNetns.DropCapabilities"/>).</summary>
    private void PrepareUserNamespace()
    {
        ChildContext* c = Context;
        if (c->CapHeader != null)
        {
            return; // both tiers asked; one set of buffers serves both
        }

        string uid = Interop.Interop.GetUid().ToString(CultureInfo.InvariantCulture);
        string gid = Interop.Interop.GetGid().ToString(CultureInfo.InvariantCulture);
        c->SetgroupsPath = _memory.String("/proc/self/setgroups");
        c->SetgroupsDeny = _memory.String("deny");
        c->UidMapPath = _memory.String("/proc/self/uid_map");
        c->UidMap = _memory.String($"{uid} {uid} 1\n");
        c->GidMapPath = _memory.String("/proc/self/gid_map");
        c->GidMap = _memory.String($"{gid} {gid} 1\n");
        c->CapLastCap = ReadCapLastCap();
        uint* capHeader = (uint*)_memory.Allocate(8);
        capHeader[0] = 0x20080522; // _LINUX_CAPABILITY_VERSION_3
        capHeader[1] = 0; // this thread
        c->CapHeader = capHeader;
        c->CapData = _memory.Allocate(24); // two zeroed {effective, permitted, inheritable}
    }

    private static int ReadCapLastCap()
    {
        string text = File.ReadAllText("/proc/sys/kernel/cap_last_cap").Trim();
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int last) && last is > 0 and < 64
            ? last
            : throw new Diagnostics.NonoException(Diagnostics.NonoErrorCode.SandboxSetupFailed, $"unexpected /proc/sys/kernel/cap_last_cap: {text}");
    }
}
