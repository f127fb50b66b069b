using System.Runtime.CompilerServices;
using Nono.Core.Sandbox.Interop;

namespace Nono.Core.Sandbox;

/// <summary>
/// The child's network-namespace step (<see cref="NetworkTier.IsolatedNamespace"/>), run by <see cref="ChildProcess"/>
/// after the descriptors are marked CLOEXEC and before Landlock. Same rules as the rest of the child: no allocation,
/// no runtime, only the prepared <see cref="ChildContext"/> and libc through function pointers. The supervisor cloned the
/// child straight into its new user + network namespace (<see cref="ChildContext.FlagNetnsDirect"/>; with the PID-namespace
/// tier it is that namespace's init too): no relay process and no unshare.
/// </summary>
// SAFETY: every pointer read here comes from the ChildContext that NativeLaunchState.PrepareNetns filled before the
// fork (sizes: ifreq 40, sockaddr_in 16, msghdr with a 24-byte control buffer, envp with EnvExtraCapacity spare slots,
// EnvBuffer of EnvBufferSize bytes); the child owns its copy of that memory, so its writes stay in the child.
internal static unsafe partial class ChildNetns
{
    private const int PR_SET_DUMPABLE = 4;
    private const int PR_CAPBSET_READ = 23;
    private const int PR_CAPBSET_DROP = 24;
    private const int PR_CAP_AMBIENT = 47;
    private const int PR_CAP_AMBIENT_CLEAR_ALL = 4;
    private const int O_WRONLY = 1;
    private const int O_CLOEXEC = 0x80000;
    private const int AF_INET = 2;
    private const int SOCK_STREAM = 1;
    private const int SOCK_DGRAM = 2;
    private const int SOCK_CLOEXEC = 0x80000;
    private const nuint SIOCGIFFLAGS = 0x8913;
    private const nuint SIOCSIFFLAGS = 0x8914;
    private const short IFF_UP = 1;
    private const int IfreqFlagsOffset = 16;
    private const int E2BIG = 7;
    private const int ECANCELED = 125;

    /// <summary>
    /// Maps only the caller's ids into the private user + network namespace; with <see cref="ChildContext.FlagNetnsProxy"/>
    /// brings <c>lo</c> up, listens on 127.0.0.1:port, hands the listener to the supervisor (SCM_RIGHTS) and receives the
    /// proxy variables to append to envp. Drops every capability (the namespace grants a full set). Returns 0 or
    /// (errno &lt;&lt; 32) | stage.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static long Enter(ChildContext* c)
    {
        if (c == null)
        {
            // Warm-up call in the parent: compile and bind the helpers too, so the child never JITs or patches code.
            _ = WriteFile(null, null, null);
            _ = ReceiveEnvironment(null);
            _ = MapUserNamespace(null);
            _ = DropCapabilities(null);
            _ = ChildNetnsDns.Install(null);
            return 0;
        }

        int stage;
        int fd;
        int saved;

        long entered = MapUserNamespace(c);
        if (entered != 0)
        {
            return entered;
        }

        if ((c->Flags & ChildContext.FlagNetnsProxy) != 0)
        {
            // A new namespace's lo is down: even 127.0.0.1 is unreachable until it is up. AppArmor's userns
            // restriction (Ubuntu 24.04) lets the clone succeed but leaves no CAP_NET_ADMIN, and this is where it shows.
            stage = (int)ChildStage.NetnsLoopbackUp;
            fd = c->Socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            if (fd < 0)
            {
                goto Fail;
            }

            if (c->Ioctl(fd, SIOCGIFFLAGS, c->LoopbackIfreq) != 0)
            {
                goto FailClose;
            }

            *(short*)((byte*)c->LoopbackIfreq + IfreqFlagsOffset) |= IFF_UP;
            if (c->Ioctl(fd, SIOCSIFFLAGS, c->LoopbackIfreq) != 0)
            {
                goto FailClose;
            }

            c->Close(fd);
            if ((c->Flags & ChildContext.FlagNetnsProbe) != 0)
            {
                return 0;
            }

            stage = (int)ChildStage.NetnsProxyListener;
            fd = c->Socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            if (fd < 0)
            {
                goto Fail;
            }

            if (c->Bind(fd, c->ListenAddress, 16 /* sizeof(sockaddr_in) */) != 0 || c->Listen(fd, 1024) != 0)
            {
                goto FailClose;
            }

            stage = (int)ChildStage.NetnsHandoff;
            Interop.Interop.msghdr_t* msg = (Interop.Interop.msghdr_t*)c->HandoffMessage;
            *(int*)((byte*)msg->msg_control + Interop.Interop.CmsgDataOffset) = fd;
            if (c->Sendmsg(c->HandoffFd, msg, Interop.Interop.MSG_NOSIGNAL) != 1)
            {
                goto FailClose;
            }

            c->Close(fd); // the supervisor holds the listener now; the sandbox keeps no copy

            long dns = ChildNetnsDns.Install(c);
            if (dns != 0)
            {
                return dns;
            }

            stage = (int)ChildStage.NetnsEnvironment;
            if (!ReceiveEnvironment(c))
            {
                goto Fail;
            }
        }
        else if ((c->Flags & ChildContext.FlagNetnsProbe) != 0)
        {
            return 0;
        }

        // The PID-namespace step still needs the namespace's capabilities (to mount /proc); it drops them itself.
        return (c->Flags & ChildContext.FlagPidns) != 0 ? 0 : DropCapabilities(c);

    FailClose:
        saved = *c->ErrnoLocation();
        c->Close(fd);
        *c->ErrnoLocation() = saved;
    Fail:
        return ((long)*c->ErrnoLocation() << 32) | (uint)stage;
    }

    /// <summary>Reads "K=V\0..." until the supervisor closes its end, and appends the entries to envp.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static bool ReceiveEnvironment(ChildContext* c)
    {
        if (c == null)
        {
            return false;
        }

        nint filled = 0;
        while (true)
        {
            nint n = c->Read(c->HandoffFd, c->EnvBuffer + filled, c->EnvBufferSize - filled);
            if (n < 0)
            {
                if (*c->ErrnoLocation() == 4 /* EINTR */)
                {
                    continue;
                }

                return false;
            }

            if (n == 0)
            {
                break;
            }

            filled += n;
            if (filled >= c->EnvBufferSize)
            {
                *c->ErrnoLocation() = E2BIG;
                return false;
            }
        }

        c->Close(c->HandoffFd);
        if (filled == 0 || c->EnvBuffer[filled - 1] != 0)
        {
            // Nothing (the supervisor gave up) or a truncated block: never run without the proxy variables.
            *c->ErrnoLocation() = ECANCELED;
            return false;
        }

        int count = 0;
        for (nint start = 0; start < filled;)
        {
            if (count == c->EnvExtraCapacity)
            {
                *c->ErrnoLocation() = E2BIG;
                return false;
            }

            c->Envp[c->EnvBaseCount + count] = c->EnvBuffer + start;
            count++;
            while (c->EnvBuffer[start] != 0)
            {
                start++;
            }

            start++;
        }

        c->Envp[c->EnvBaseCount + count] = null;
        return true;
    }
}
