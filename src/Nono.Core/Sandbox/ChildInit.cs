using System.Runtime.CompilerServices;

namespace Nono.Core.Sandbox;

/// <summary>
/// The child's process-containment step (<see cref="ProcessContainment"/>), run by <see cref="ChildProcess"/> after the
/// network namespace step and before no_new_privs, Landlock and seccomp, which the command applies to itself as before.
/// Same rules as the rest of the child: no allocation, no runtime, only the prepared <see cref="ChildContext"/> and libc
/// through function pointers. The cloned or forked child stays nono's direct child and never execs; below it:
/// <list type="bullet">
/// <item>PID namespace: nono clones the init straight into its namespaces (<see cref="ChildContext.FlagPidnsDirect"/>: PID +
/// mount, + user when unprivileged, + user and network with the network tier, whose steps <see cref="ChildNetns"/> runs in
/// the init first). The init, pid 1 of the new namespace, mounts a private /proc, makes every mount but /dev nodev and every mount but the writable grants read-only (<see cref="MountNodev"/>, <see cref="MountWritable"/>), mounts a private devpts on /dev/pts, re-adds
/// the Landlock rules under them for the new mounts, starts the command (<see cref="SpawnCommand"/>), forwards signals to it, reaps every orphan, and
/// reports the command's exact wait status on the status pipe. When pid 1 exits the kernel kills everything left in the
/// namespace. Each link (supervisor thread → init → command) is held by PR_SET_PDEATHSIG=SIGKILL, so killing nono (even
/// with SIGKILL) ends the tree.</item>
/// <item>cgroup: the relay forks the command, which moves itself into the run's cgroup leaf before exec. The relay's
/// parent-death signal is a queued real-time signal: when nono dies, the relay writes <c>cgroup.kill</c>.</item>
/// </list>
/// The relay and the init run outside the command's Landlock domain (the domain's ptrace and signal scopes keep the
/// command from them), are non-dumpable like the supervisor they were cloned from, drop every capability (the cgroup relay keeps its own to remove the leaf) and set
/// no_new_privs, and keep no descriptor but the pipes they report on.
/// </summary>
// SAFETY: every pointer read here comes from the ChildContext that NativeLaunchState.PrepareContainment filled before the
// clone (FullSignalSet 128 bytes, RuleAttr 16 bytes, MountRulePaths/MountRuleAccess MountRuleCount entries). The relay and the
// init own their copy of that memory, so their writes stay in it. The command's process does too under the JIT; under
// NativeAOT it is vforked and shares its parent's memory until execve or _exit: it writes only errno and scratch buffers
// the parent never reads afterwards, and never returns into the parent's frames (ChildInit.Command.cs).
internal static unsafe partial class ChildInit
{
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
    private const int O_CLOEXEC = 0x80000;
    private const int O_PATH = 0x200000;
    private const int ENOENT = 2;
    private const int LANDLOCK_RULE_PATH_BENEATH = 1;

    /// <summary>The cgroup relay's parent-death signal (SIGRTMAX): queued while blocked, so the relay sees nono die.</summary>
    private const int RelayDeathSignal = 64;

    /// <summary>
    /// Returns 0 in the process that goes on to confine itself and exec the command, or (errno &lt;&lt; 32) | stage when the
    /// step failed before anything was forked. The relay and the init never return; a probe's init returns 0.
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
            Relay(null, 0);
            CloseAllExcept(null, -1, -1, -1);
            Harden(null);
            _ = AddMountRules(null);
            _ = MountNodev(null);
            _ = BindGrants(null);
            _ = MountWritable(null);
            _ = ProbeGrantBind(null);
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

        // Cloned into the namespaces already (this process is pid 1). Its parent-death signal and parent check were
        // ChildProcess's, against nono itself. A user namespace made for this tier alone still needs its id maps (with the
        // network tier, ChildNetns wrote them).
        if ((c->Flags & ChildContext.FlagPidnsUserns) != 0)
        {
            long mapped = ChildNetns.MapUserNamespace(c);
            if (mapped != 0)
            {
                return mapped;
            }
        }

        // Everything the init waits for arrives as a queued signal: blocked before the command starts, none is lost.
        int stage = (int)ChildStage.ContainmentSignals;
        if (c->Sigprocmask(SIG_SETMASK, c->FullSignalSet, null) != 0)
        {
            goto Fail;
        }

        // A session of its own before anything else runs here, so the command is born in it: kill(0, sig) and terminal
        // signals go by process group and session, which the PID namespace does not split (nono's group and session hold
        // host processes, the invoking shell among them). The init is a fresh clone, never a group leader: setsid cannot
        // fail with EPERM; if it fails at all, the launch fails (the plan promised the scope).
        if ((c->Flags & ChildContext.FlagPidnsSession) != 0)
        {
            stage = (int)ChildStage.PidnsSession;
            if (c->Setsid() < 0)
            {
                goto Fail;
            }
        }

        // A private copy of the mount tree (nothing propagates back to the host), then a /proc of this namespace only.
        stage = (int)ChildStage.PidnsMountPrivate;
        if (c->Mount(null, c->RootPath, null, MS_REC | MS_PRIVATE, null) != 0)
        {
            goto Fail;
        }

        stage = (int)ChildStage.PidnsMountProc;
        if (c->Mount(c->ProcType, c->ProcPath, c->ProcType, MS_NOSUID | MS_NODEV | MS_NOEXEC, null) != 0)
        {
            goto Fail;
        }

        // Every mount read-only but the writable grants (bound onto themselves first), and nodev but /dev.
        stage = BindGrants(c);
        if (stage != 0)
        {
            goto Fail;
        }

        stage = MountNodev(c);
        if (stage != 0)
        {
            goto Fail;
        }

        stage = MountWritable(c);
        if (stage != 0)
        {
            goto Fail;
        }

        // A devpts instance of this namespace over /dev/pts: the user's other terminals (the host instance's /dev/pts/N) are
        // not in it, so a same-uid command cannot open them by name; ptys the command makes are (/dev/ptmx finds "pts" beside
        // itself, so it allocates here too). A terminal on fds 0-2 is an open file and keeps working. No /dev/pts: nothing to
        // hide. Any other failure fails the launch (the probe too, so the tier is never chosen where this cannot be done).
        stage = (int)ChildStage.PidnsMountDevpts;
        if (c->Mount(c->DevptsType, c->DevptsPath, c->DevptsType, MS_NOSUID | MS_NOEXEC, c->DevptsOptions) != 0
            && *c->ErrnoLocation() != ENOENT)
        {
            goto Fail;
        }

        if ((c->Flags & ChildContext.FlagPidnsProbe) != 0)
        {
            stage = ProbeGrantBind(c); // the calls a launch with a writable grant makes (an outer filter may refuse them)
            if (stage != 0)
            {
                goto Fail;
            }

            return 0; // ChildProcess.Fork reports it
        }

        // The working directory ChildProcess entered is on the mount from before the binds: enter it again, so the command
        // starts on the grant's bind (writable) and not on the read-only mount beneath it.
        stage = (int)ChildStage.PidnsChangeDirectory;
        if (c->WorkingDirectory != null && c->Chdir(c->WorkingDirectory) != 0)
        {
            goto Fail;
        }

        stage = (int)ChildStage.PidnsProcRule;
        if (!AddMountRules(c))
        {
            goto Fail;
        }

        stage = (int)ChildStage.ContainmentForkCommand;
        int command = SpawnCommand(c);
        if (command < 0)
        {
            goto Fail;
        }

        CloseAllExcept(c, c->StatusPipe, -1, -1);
        Harden(c);
        Relay(c, command);

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
        Relay(c, command);

    Fail:
        return ((long)*c->ErrnoLocation() << 32) | (uint)stage;
    }
}
