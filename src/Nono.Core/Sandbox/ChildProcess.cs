using System.Runtime.CompilerServices;

namespace Nono.Core.Sandbox;

/// <summary>
/// The code that runs between fork and execve. After fork only the forking thread exists in the child, and
/// the runtime's other threads (GC, finalizer, tiering) are gone with whatever locks they held, so this code
/// must not allocate, JIT, throw, touch statics or call into the runtime: it only reads the unmanaged
/// <see cref="ChildContext"/> and calls libc through function pointers. Both methods are compiled ahead of
/// the first fork and called once in the parent (<see cref="SandboxLauncher"/> prepares them), and they opt out
/// of tiering, so no stub, JIT or precode patch ever runs in the child. That matters doubly because with
/// W^X the runtime's executable memory is a MAP_SHARED mapping: a code write in the child would land in
/// the parent's code too.
/// </summary>
internal static unsafe class ChildProcess
{
    private const int SIGKILL = 9;
    private const int SIG_SETMASK = 2;
    private const nint SIG_DFL = 0;
    private const int CLOSE_RANGE_CLOEXEC = 1 << 2;
    private const int SECCOMP_SET_MODE_FILTER = 1;
    private const int ENOENT = 2;
    private const int O_RDONLY_CLOEXEC = 0x80000;

    /// <summary>Forks; the child confines itself and execs. Returns the child's pid (or -1) in the parent only.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static int Fork(ChildContext* c)
    {
        if (c == null)
        {
            return -2; // warm-up call in the parent, see ChildCode.Prepare
        }

        // The namespace tiers: a raw clone straight into the new namespaces, which a multithreaded process may do (unlike
        // unshare of a user namespace). glibc's fork handlers do not run: the child calls nothing that takes a glibc lock,
        // and starts the command with vfork, never fork (ChildInit).
        int pid = (c->Flags & (ChildContext.FlagPidnsDirect | ChildContext.FlagNetnsDirect)) != 0
            ? (int)c->Syscall(c->SysClone, c->CloneFlags, 0, 0)
            : c->Fork();
        if (pid < 0)
        {
            c->ForkErrno = *c->ErrnoLocation();
        }

        if (pid != 0)
        {
            return pid;
        }

        // Child. First sign of life: the parent's watchdog knows exec has not happened before this byte.
        byte alive = (byte)'A';
        c->Write(c->ErrorPipe, &alive, 1);
        ReportAndExit(c, ConfineAndExec(c));
        return 0;
    }

    /// <summary>
    /// The <c>PPid:</c> of /proc/self/status (<see cref="ChildContext.StatusPath"/>) read into
    /// <see cref="ChildContext.StatusBuffer"/>, or -1 when unreadable. The host's procfs shows the parent's pid in its own
    /// PID namespace, i.e. nono's pid as nono sees it, also from inside the init's new PID namespace.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static int ReadParentPid(ChildContext* c)
    {
        if (c == null)
        {
            return 0;
        }

        int fd = c->Open(c->StatusPath, O_RDONLY_CLOEXEC, 0);
        if (fd < 0)
        {
            return -1;
        }

        byte* b = c->StatusBuffer;
        nint n = c->Read(fd, b, ChildContext.StatusBufferBytes); // PPid is in the first few hundred bytes
        c->Close(fd);
        for (nint i = 0; i + 6 < n; i++)
        {
            if (b[i] == '\n' && b[i + 1] == 'P' && b[i + 2] == 'P' && b[i + 3] == 'i' && b[i + 4] == 'd' && b[i + 5] == ':')
            {
                int pid = 0;
                for (i += 6; i < n && (b[i] == '\t' || b[i] == ' '); i++)
                {
                }

                for (; i < n && b[i] >= '0' && b[i] <= '9'; i++)
                {
                    pid = (pid * 10) + (b[i] - '0');
                }

                return pid;
            }
        }

        return -1;
    }

    /// <summary>Sends <paramref name="failure"/> on the error pipe and exits 127 (not found) or 126. Never returns.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static void ReportAndExit(ChildContext* c, long failure)
    {
        if (c == null)
        {
            return;
        }

        c->Write(c->ErrorPipe, &failure, sizeof(long));
        bool notFound = (int)failure == (int)ChildStage.Execve && (int)(failure >> 32) == ENOENT;
        c->Exit(notFound ? 127 : 126);
    }

    /// <summary>
    /// Confines the calling thread and execs. Returns only on failure: (errno &lt;&lt; 32) | stage.
    /// Steps run in this order; the namespace and containment tiers add their steps before Landlock.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static long ConfineAndExec(ChildContext* c)
    {
        if (c == null)
        {
            return 0; // warm-up call in the parent
        }

        int stage;
        if ((c->Flags & ChildContext.FlagSupervised) != 0)
        {
            // Die with the supervisor thread; then close the race where it died before the prctl.
            stage = (int)ChildStage.ParentDeathSignal;
            if (c->Prctl(1 /* PR_SET_PDEATHSIG */, SIGKILL, 0, 0, 0) != 0)
            {
                goto Fail;
            }

            // The direct init's parent is outside its PID namespace (getppid is 0), so it reads its parent from the host's
            // procfs, still mounted at /proc here: the reparenting and the death signal happen together under the tasklist
            // lock, so either the prctl above was in time or the parent read here is no longer nono.
            if ((c->Flags & ChildContext.FlagPidnsDirect) != 0 ? ReadParentPid(c) != c->ParentPid : c->Getppid() != c->ParentPid)
            {
                stage = (int)ChildStage.ParentGone;
                goto Fail;
            }
        }

        // The runtime blocks nothing on purpose but ignores SIGPIPE; give the command a clean slate.
        stage = (int)ChildStage.SignalMask;
        if (c->Sigprocmask(SIG_SETMASK, c->EmptySignalSet, null) != 0)
        {
            goto Fail;
        }

        for (int signal = 1; signal <= 64; signal++)
        {
            if (signal != SIGKILL && signal != 19)
            {
                c->Signal(signal, SIG_DFL); // EINVAL for glibc's internal 32 and 33, see ChildInit.Command.cs
            }
        }

        stage = (int)ChildStage.Stdio;
        if ((c->StdinFd >= 0 && c->Dup2(c->StdinFd, 0) < 0)
            || (c->StdoutFd >= 0 && c->Dup2(c->StdoutFd, 1) < 0)
            || (c->StderrFd >= 0 && c->Dup2(c->StderrFd, 2) < 0))
        {
            goto Fail;
        }

        stage = (int)ChildStage.ChangeDirectory;
        if (c->WorkingDirectory != null && c->Chdir(c->WorkingDirectory) != 0)
        {
            goto Fail;
        }

        // Nothing but stdio may leak into the sandbox; the ruleset and error pipe close at exec.
        stage = (int)ChildStage.CloseDescriptors;
        if (c->Syscall(c->SysCloseRange, 3, unchecked((nint)uint.MaxValue), CLOSE_RANGE_CLOEXEC) != 0)
        {
            goto Fail;
        }

        if ((c->Flags & ChildContext.FlagNetns) != 0)
        {
            long netns = ChildNetns.Enter(c);
            if (netns != 0 || (c->Flags & ChildContext.FlagNetnsProbe) != 0)
            {
                return netns; // 0 from a probe: the namespace works
            }
        }

        if ((c->Flags & (ChildContext.FlagPidns | ChildContext.FlagCgroup)) != 0)
        {
            // The relay, the init and the command (ChildInit.RunCommand) never come back here: this is a failure before
            // anything was forked, or 0 from a probe (the PID namespace works).
            return ChildInit.Enter(c);
        }

        return ConfineCommand(c);

    Fail:
        return ((long)*c->ErrnoLocation() << 32) | (uint)stage;
    }

    /// <summary>
    /// The command's own confinement, after any containment step: drops CAP_SYS_PTRACE, sets no_new_privs, Landlock, the
    /// observer, seccomp, then execs. Returns only on failure: (errno &lt;&lt; 32) | stage. The contained tiers run it in the
    /// command's process, which <see cref="ChildInit"/> starts with vfork.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static long ConfineCommand(ChildContext* c)
    {
        if (c == null)
        {
            return 0;
        }

        int stage;
        if ((c->Flags & ChildContext.FlagDropAllCapabilities) != 0)
        {
            // Root outside a user namespace: bounding, ambient and inheritable sets emptied, so exec grants nothing.
            long dropped = ChildNetns.DropCapabilities(c);
            if (dropped != 0)
            {
                return dropped;
            }
        }

        // Root keeps CAP_SYS_PTRACE across exec, which overrides the supervisor's PR_SET_DUMPABLE 0 and would
        // let the sandbox read /proc/<nono>/environ (Landlock's ptrace check does not stop PTRACE_MODE_READ on
        // the kernels tested). Dropping it from the bounding set removes it at exec. EPERM means we lack
        // CAP_SETPCAP, i.e. are unprivileged and have no CAP_SYS_PTRACE to lose (no_new_privs stops file caps).
        stage = (int)ChildStage.DropPtraceCapability;
        if (c->Prctl(24 /* PR_CAPBSET_DROP */, 19 /* CAP_SYS_PTRACE */, 0, 0, 0) != 0 && *c->ErrnoLocation() != 1 /* EPERM */)
        {
            goto Fail;
        }

        // CAP_SETFCAP writes file capabilities, which a later exec outside the sandbox (no no_new_privs there) honours like
        // a set-user-ID bit: dropped even under --allow-weaker root-capabilities. EPERM as above.
        stage = (int)ChildStage.DropSetfcapCapability;
        if (c->Prctl(24 /* PR_CAPBSET_DROP */, 31 /* CAP_SETFCAP */, 0, 0, 0) != 0 && *c->ErrnoLocation() != 1 /* EPERM */)
        {
            goto Fail;
        }

        stage = (int)ChildStage.NoNewPrivileges;
        if (c->Prctl(38 /* PR_SET_NO_NEW_PRIVS */, 1, 0, 0, 0) != 0)
        {
            goto Fail;
        }

        if ((c->Flags & ChildContext.FlagLandlock) != 0)
        {
            stage = (int)ChildStage.LandlockRestrictSelf;
            if (c->Syscall(c->SysLandlockRestrictSelf, c->RulesetFd, c->LandlockRestrictFlags, 0) != 0)
            {
                goto Fail;
            }
        }

        if ((c->Flags & ChildContext.FlagObserver) != 0)
        {
            long observer = ChildObserver.Install(c); // notify-only: Landlock above stays the enforcer
            if (observer != 0)
            {
                return observer;
            }
        }

        if ((c->Flags & ChildContext.FlagSeccomp) != 0)
        {
            stage = (int)ChildStage.Seccomp;
            if (c->Syscall(c->SysSeccomp, SECCOMP_SET_MODE_FILTER, 0, (nint)c->SeccompProgram) != 0)
            {
                goto Fail;
            }
        }

        stage = (int)ChildStage.Execve;
        c->Execve(c->ExecutablePath, c->Argv, c->Envp);

    Fail:
        int errno = *c->ErrnoLocation();
        return ((long)errno << 32) | (uint)stage;
    }
}
