using System.Runtime.CompilerServices;
using static Nono.Core.Sandbox.Interop.Interop.SeccompNotify;

namespace Nono.Core.Sandbox;

/// <summary>
/// The child's filesystem-observer step, run by <see cref="ChildProcess"/> after Landlock and before the enforcing
/// seccomp filter: installs the notify-only filter (<see cref="ObservedSyscalls"/>) with a new listener and hands the
/// listener to the supervisor over SCM_RIGHTS. Same rules as the rest of the child: no allocation, no runtime.
/// </summary>
// SAFETY: ObserverProgram and ObserverMessage point into the NativeLaunchState memory that PrepareObserver filled
// before the fork (a sock_fprog, and a msghdr with a 24-byte control buffer); the child owns its copy.
internal static unsafe class ChildObserver
{
    private const int SECCOMP_SET_MODE_FILTER = 1;

    /// <summary>Returns 0, or (errno &lt;&lt; 32) | stage.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static long Install(ChildContext* c)
    {
        if (c == null)
        {
            return GoOnWithout(null, 0); // warm-up call in the parent: compile the helper too
        }

        int stage = (int)ChildStage.ObserverInstall;
        int listener = (int)c->Syscall(c->SysSeccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, (nint)c->ObserverProgram);
        if (listener < 0)
        {
            int errno = *c->ErrnoLocation();
            if ((c->Flags & ChildContext.FlagObserverOptional) != 0 && (errno == (int)Interop.Interop.Errno.EBUSY || errno == (int)Interop.Interop.Errno.EPERM))
            {
                return GoOnWithout(c, errno);
            }

            return ((long)errno << 32) | (uint)stage;
        }

        // From here every observed call of this process waits for the supervisor; it answers once it has the listener.
        stage = (int)ChildStage.ObserverHandoff;
        Interop.Interop.msghdr_t* msg = (Interop.Interop.msghdr_t*)c->ObserverMessage;
        *(int*)((byte*)msg->msg_control + Interop.Interop.CmsgDataOffset) = listener;
        long failure = 0;
        if (c->Sendmsg(c->ObserverFd, msg, Interop.Interop.MSG_NOSIGNAL) != 1)
        {
            failure = ((long)*c->ErrnoLocation() << 32) | (uint)stage;
        }

        c->Close(listener); // the sandbox keeps no copy: it must never answer its own notifications
        c->Close(c->ObserverFd);
        return failure;
    }

    /// <summary>
    /// A listener already exists above this process (a container's seccomp agent, an outer nono run): an observer that
    /// only records refusals is given up. The supervisor gets the errno as one byte without a descriptor, and the enforcing
    /// filter that refuses by itself replaces the one that defers to the observer: same enforcement, nothing recorded.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static long GoOnWithout(ChildContext* c, int errno)
    {
        if (c == null)
        {
            return 0;
        }

        byte code = (byte)errno;
        long failure = 0;
        if (c->Write(c->ObserverFd, &code, 1) != 1)
        {
            failure = ((long)*c->ErrnoLocation() << 32) | (uint)ChildStage.ObserverHandoff;
        }

        c->Close(c->ObserverFd);
        c->SeccompProgram = c->SeccompProgramUndeferred;
        return failure;
    }
}
