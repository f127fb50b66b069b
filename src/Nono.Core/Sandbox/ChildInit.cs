using System.Runtime.CompilerServices;

namespace Nono.Core.Sandbox;

/// <summary>
/// The child's process-containment step (<see cref="ProcessContainment"/>), run by <see cref="ChildProcess"/> after the
/// network namespace step and before no_new_privs, Landlock and seccomp, which the command applies to itself as before.
/// Same rules as the rest of the child: no allocation, no runtime, only the prepared <see cref="ChildContext"/> and libc
/// through function pointers. The forked child stays nono's direct child and never execs; below it:
/// <list type="bullet">
/// <item>PID namespace: the init, pid 1 of the new namespace, mounts a private /proc, re-adds the Landlock rules under /proc
/// for the new mount, starts the command (<see cref="SpawnCommand"/>), forwards signals to it, reaps every orphan, and
/// reports the command's exact wait status on the status pipe. When pid 1 exits the kernel kills everything left in the
/// namespace. Without the network tier nono clones the init straight into the PID + mount (+ user, when unprivileged)
/// namespaces (<see cref="ChildContext.FlagPidnsDirect"/>); with it, the forked child is a relay that made the
/// namespaces (<see cref="ChildNetns"/>) and forks the init. Each link (supervisor thread → [relay →] init → command) is
/// held by PR_SET_PDEATHSIG=SIGKILL, so killing nono (even with SIGKILL) ends the tree.</item>
/// <item>cgroup: the relay forks the command, which moves itself into the run's cgroup leaf before exec. The relay's
/// parent-death signal is a queued real-time signal: when nono dies, the relay writes <c>cgroup.kill</c>.</item>
/// </list>
/// The relay and the init run outside the command's Landlock domain (the domain's ptrace and signal scopes keep the
/// command from them), are non-dumpable like the supervisor they were forked from, drop every capability (the cgroup relay keeps its own to remove the leaf) and set
/// no_new_privs, and keep no descriptor but the pipes they report on.
/// </summary>
// SAFETY: every pointer read here comes from the ChildContext that NativeLaunchState.PrepareContainment filled before the
// fork (FullSignalSet 128 bytes, RuleAttr 16 bytes, ProcRulePaths/ProcRuleAccess ProcRuleCount entries). The relay and the
// init own their copy of that memory, so their writes stay in it. The command's process does too under the JIT; under
// NativeAOT it is vforked and shares its parent's memory until execve or _exit: it writes only errno and scratch buffers
// the parent never reads afterwards, and never returns into the parent's frames (ChildInit.Command.cs).
internal static unsafe partial class ChildInit
{
    private const int CLONE_NEWNS = 0x00020000;
    private const int CLONE_NEWUSER = 0x10000000;
    private const int CLONE_NEWPID = 0x20000000;
    private const int SIGKILL = 9;
    private const int SIGCHLD = 17;
    private const int SIG_SETMASK = 2;
    private const int WNOHANG = 1;
    private const int PR_SET_PDEATHSIG = 1;
    private const int PR_SET_NO_NEW_PRIVS = 38;
    private const nuint MS_NOSUID = 2;
    private const nuint MS_NODEV = 4;
    private const nuint MS_NOEXEC = 8;
    private const nuint MS_REC = 0x4000;
    private const nuint MS_PRIVATE = 1 << 18;
    private const int O_NONBLOCK = 0x800;
    private const int O_CLOEXEC = 0x80000;
    private const int O_PATH = 0x200000;
    private const int ENOENT = 2;
    private const int ESRCH = 3;
    private const int EINTR = 4;
    private const int LANDLOCK_RULE_PATH_BENEATH = 1;

    /// <summary>The cgroup relay's parent-death signal (SIGRTMAX): queued while blocked, so the relay sees nono die.</summary>
    private const int RelayDeathSignal = 64;

    /// <summary>
    /// Returns 0 in the process that goes on to confine itself and exec the command, or (errno &lt;&lt; 32) | stage when the
    /// step failed before anything was forked. The relay and the init never return; a probe's relay returns 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static long Enter(ChildContext* c)
    {
        if (c == null)
        {
            // Warm-up call in the parent: compile and bind the helpers too, so the child never JITs or patches code.
            _ = EnterPidNamespace(null);
            _ = EnterCgroup(null);
            _ = SpawnCommand(null);
            RunCommand(null);
            _ = StartCommand(null);
            Relay(null, 0, false);
            CloseAllExcept(null, -1, -1, -1);
            Harden(null);
            _ = AddProcRules(null);
            return 0;
        }

        return (c->Flags & ChildContext.FlagPidns) != 0 ? EnterPidNamespace(c) : EnterCgroup(c);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static long EnterPidNamespace(ChildContext* c)
    {
        if (c == null)
        {
            return 0;
        }

        int stage = (int)ChildStage.PidnsUnshare;
        if ((c->Flags & ChildContext.FlagPidnsDirect) != 0)
        {
            // Cloned into the namespaces already (this process is pid 1): only the user namespace's maps are left to write.
            if ((c->Flags & ChildContext.FlagPidnsUserns) != 0)
            {
                long mapped = ChildNetns.EnterUserNamespace(c, 0, ChildStage.PidnsUnshare);
                if (mapped != 0)
                {
                    return mapped;
                }
            }
        }
        else if ((c->Flags & ChildContext.FlagNetns) == 0)
        {
            // With the network tier, ChildNetns already unshared PID and mount namespaces along with user + net.
            if ((c->Flags & ChildContext.FlagPidnsUserns) != 0)
            {
                long entered = ChildNetns.EnterUserNamespace(c, CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS, ChildStage.PidnsUnshare);
                if (entered != 0)
                {
                    return entered;
                }
            }
            else if (c->Unshare(CLONE_NEWPID | CLONE_NEWNS) != 0)
            {
                goto Fail;
            }
        }

        // Everything the relay and the init wait for arrives as a queued signal: blocked before the fork, none is lost.
        stage = (int)ChildStage.ContainmentSignals;
        if (c->Sigprocmask(SIG_SETMASK, c->FullSignalSet, null) != 0)
        {
            goto Fail;
        }

        byte probe;
        if ((c->Flags & ChildContext.FlagPidnsDirect) != 0)
        {
            goto Init; // its parent-death signal and parent check were ChildProcess's, against nono itself
        }

        stage = (int)ChildStage.PidnsFork;
        if (c->Pipe2(&c->AliveRead, O_CLOEXEC | O_NONBLOCK) != 0)
        {
            goto Fail;
        }

        int init = c->Fork();
        if (init < 0)
        {
            goto Fail;
        }

        if (init > 0)
        {
            c->Close(c->AliveRead);
            if ((c->Flags & ChildContext.FlagPidnsProbe) != 0)
            {
                // A failing init reports first on the error pipe; then the probe's own "works" follows unread.
                while (c->Waitpid(init, &c->WaitStatus, 0) < 0 && *c->ErrnoLocation() == EINTR)
                {
                }

                return 0;
            }

            // The relay keeps only the alive pipe (its end closing tells the init it is gone).
            CloseAllExcept(c, c->AliveWrite, -1, -1);
            Harden(c);
            Relay(c, init, false);
        }

        // The init, pid 1 of the new namespace. Die with the relay; the alive pipe reads EOF if it died before the prctl.
        c->Close(c->AliveWrite);
        stage = (int)ChildStage.PidnsRelayGone;
        if (c->Prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0)
        {
            goto InitFail;
        }

        if (c->Read(c->AliveRead, &probe, 1) == 0)
        {
            *c->ErrnoLocation() = ESRCH;
            goto InitFail;
        }

        c->Close(c->AliveRead);

    Init:
        // A private copy of the mount tree (nothing propagates back to the host), then a /proc of this namespace only.
        stage = (int)ChildStage.PidnsMountPrivate;
        if (c->Mount(null, c->RootPath, null, MS_REC | MS_PRIVATE, null) != 0)
        {
            goto InitFail;
        }

        stage = (int)ChildStage.PidnsMountProc;
        if (c->Mount(c->ProcType, c->ProcPath, c->ProcType, MS_NOSUID | MS_NODEV | MS_NOEXEC, null) != 0)
        {
            goto InitFail;
        }

        if ((c->Flags & ChildContext.FlagPidnsProbe) != 0)
        {
            if ((c->Flags & ChildContext.FlagPidnsDirect) != 0)
            {
                return 0; // ChildProcess.Fork reports it
            }

            c->Exit(0);
        }

        stage = (int)ChildStage.PidnsProcRule;
        if (!AddProcRules(c))
        {
            goto InitFail;
        }

        stage = (int)ChildStage.ContainmentForkCommand;
        int command = SpawnCommand(c);
        if (command < 0)
        {
            goto InitFail;
        }

        CloseAllExcept(c, c->StatusPipe, -1, -1);
        Harden(c);
        Relay(c, command, true);

    InitFail:
        long failure = ((long)*c->ErrnoLocation() << 32) | (uint)stage;
        c->Write(c->ErrorPipe, &failure, sizeof(long));
        c->Exit(126);

    Fail:
        return ((long)*c->ErrnoLocation() << 32) | (uint)stage;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static long EnterCgroup(ChildContext* c)
    {
        if (c == null)
        {
            return 0;
        }

        int stage = (int)ChildStage.ContainmentSignals;
        if (c->Sigprocmask(SIG_SETMASK, c->FullSignalSet, null) != 0)
        {
            goto Fail;
        }

        // A queued death signal instead of SIGKILL: the relay must live long enough to kill the cgroup.
        stage = (int)ChildStage.ContainmentDeathSignal;
        if (c->Prctl(PR_SET_PDEATHSIG, RelayDeathSignal, 0, 0, 0) != 0)
        {
            goto Fail;
        }

        if (c->Getppid() != c->ParentPid)
        {
            stage = (int)ChildStage.ParentGone;
            goto Fail;
        }

        c->RelayPid = c->Getpid();
        stage = (int)ChildStage.ContainmentForkCommand;
        int command = SpawnCommand(c);
        if (command < 0)
        {
            goto Fail;
        }

        CloseAllExcept(c, c->StatusPipe, c->CgroupKillFd, -1);
        Harden(c);
        Relay(c, command, true);

    Fail:
        return ((long)*c->ErrnoLocation() << 32) | (uint)stage;
    }
}
