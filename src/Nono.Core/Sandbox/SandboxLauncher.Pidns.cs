using Nono.Core.Sandbox.Interop;

namespace Nono.Core.Sandbox;

public static partial class SandboxLauncher
{
    /// <summary>
    /// Tries, in a cloned child, what the <see cref="ProcessContainment.PidNamespace"/> tier does up to mounting the private
    /// /proc and /dev/pts (clone the init into new PID + mount namespaces, and a user namespace when unprivileged; mount) and says
    /// whether it works or why not. The calling process is not changed.
    /// </summary>
    public static (bool Available, string Problem) ProbePidNamespace()
    {
        ForkSafety.ThrowIfUnsafe();
        _ = s_prepared.Value;
        using NativeLaunchState state = NativeLaunchState.ForPidnsProbe();
        return ProbePidNamespaceOn(state);
    }

    /// <summary>The probe on a prepared <see cref="NativeLaunchState.ForPidnsProbe"/> state (tests adjust it first).</summary>
    internal static (bool Available, string Problem) ProbePidNamespaceOn(NativeLaunchState state)
    {
        long? failure = RunProbe(state, "PID namespace", out string? problem);
        if (failure is null)
        {
            return (false, problem ?? "the PID namespace probe failed");
        }

        if (failure == 0)
        {
            return (true, "");
        }

        ChildStage stage = (ChildStage)(int)failure;
        int errno = (int)(failure >> 32);
        // Unprivileged, the probe clones with CLONE_NEWUSER, which nono's own filter (and container profiles) refuse with EPERM.
        string outer = errno == 1 && stage is ChildStage.PidnsUnshare or ChildStage.NetnsPidnsClone && Interop.Interop.GetUid() != 0 && UnderSeccompFilter()
            ? "; a seccomp filter is in force here: an outer sandbox refuses user namespaces (an outer nono run lifts that with --allow-weaker nested-user-namespaces, but it still refuses mounts, so a pidns containment cannot be made inside it)"
            : "";
        return (false, $"{StageName(stage)} failed: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}){outer}");
    }

    /// <summary>Whether this process runs under a seccomp filter (<c>Seccomp: 2</c> in /proc/self/status): inside nono, a container, or another sandbox.</summary>
    internal static bool UnderSeccompFilter() =>
        ProcText.Read("/proc/self/status") is string status && NamespaceEvidence.StatusField(status, "Seccomp") == "2";

    /// <summary>
    /// Forks a probe child on <paramref name="state"/> and reads its report: 0 when the probed steps work, else
    /// (errno &lt;&lt; 32) | stage; null (with <paramref name="problem"/>) when it died or hung without reporting.
    /// </summary>
    // SAFETY: the probe state (and its context) lives until the caller's using ends, after the child has been reaped; the
    // child only runs the probed steps on it and exits (a probe flag), it never execs.
    internal static unsafe long? RunProbe(NativeLaunchState state, string what, out string? problem)
    {
        _ = s_prepared.Value; // also for callers that build the state themselves: a child that reached the JIT could hang
        problem = null;
        (SafeFdHandle read, SafeFdHandle write) = Interop.Interop.Pipe();
        using (read)
        {
            int pid;
            using (write)
            {
                state.Context->ErrorPipe = write.Fd;
                pid = ForkWithoutGc(state);
                if (pid < 0)
                {
                    if (RefusedClone(state) is long refused)
                    {
                        return refused;
                    }

                    Interop.Interop.ThrowSetupFailed("fork", state.Context->ForkErrno);
                }
            }

            using SafeFdHandle pidfd = Interop.Interop.PidfdOpen(pid);
            Span<byte> report = stackalloc byte[1 + sizeof(long)];
            int filled = 0;
            while (filled < report.Length)
            {
                if (!Interop.Interop.WaitReadable(read, ChildSetupTimeoutMilliseconds))
                {
                    KillAndReap(pid, pidfd);
                    problem = $"the {what} probe did not finish; it was killed";
                    return null;
                }

                int n = Interop.Interop.Read(read, report[filled..]);
                if (n == 0)
                {
                    break;
                }

                filled += n;
            }

            Interop.Interop.WaitForExit(pid);
            if (filled != report.Length)
            {
                problem = $"the {what} probe died before reporting";
                return null;
            }

            return BitConverter.ToInt64(report[1..]);
        }
    }

    /// <summary>
    /// The report for a clone into new namespaces that the kernel refused (<see cref="IsNamespaceRefusal"/>): the value a
    /// refused unshare gave before the relays went, so the probe says why the tier is not available and a launch fails with
    /// the tier's hint or diagnosis. The network tier's step names it when its flags were in the clone, with the PID and
    /// mount namespaces when those were too. Null for a plain
    /// fork and for any other errno (EAGAIN at RLIMIT_NPROC or pids.max, ENOMEM): those are setup failures, never an answer
    /// that the namespace is unavailable, which would let --block-net fall back to a weaker tier.
    /// </summary>
    // SAFETY: reads the errno ChildProcess.Fork saved in the live context of state when the clone failed.
    private static unsafe long? RefusedClone(NativeLaunchState state)
    {
        int flags = state.Context->Flags;
        if ((flags & (ChildContext.FlagPidnsDirect | ChildContext.FlagNetnsDirect)) == 0 || !IsNamespaceRefusal(state.Context->ForkErrno))
        {
            return null;
        }

        ChildStage stage = (flags & ChildContext.FlagNetnsDirect) == 0 ? ChildStage.PidnsUnshare
            : (flags & ChildContext.FlagPidnsDirect) != 0 ? ChildStage.NetnsPidnsClone : ChildStage.NetnsUnshare;
        return ((long)state.Context->ForkErrno << 32) | (uint)stage;
    }

    /// <summary>
    /// Whether a failed clone's errno says the namespaces themselves were refused: EPERM (no privilege, a seccomp profile,
    /// user namespaces off), EACCES (an LSM), ENOSPC (a namespace count limit), EINVAL (no kernel support) or EUSERS (the
    /// user namespace nesting limit).
    /// </summary>
    internal static bool IsNamespaceRefusal(int errno) => errno is 1 /* EPERM */ or 13 /* EACCES */ or 28 /* ENOSPC */
        or 22 /* EINVAL */ or 87 /* EUSERS */;

    /// <summary>
    /// How the command ended: in the contained tiers the init (or the cgroup relay) is nono's child and the command's exact
    /// wait status comes over the status pipe (so 128+N and core flags pass through); without a report (the init or relay
    /// was killed first), that child's own status stands.
    /// </summary>
    private static ChildExit CommandExit(int relayStatus, SafeFdHandle? statusPipe)
    {
        if (statusPipe is null)
        {
            return ChildExit.FromWaitStatus(relayStatus);
        }

        using (statusPipe)
        {
            // Every writer (the init or relay) has exited by now, so this read cannot block for long; bounded all the same.
            Span<byte> status = stackalloc byte[sizeof(int)];
            int filled = 0;
            while (filled < status.Length && Interop.Interop.WaitReadable(statusPipe, 1_000))
            {
                int n = Interop.Interop.Read(statusPipe, status[filled..]);
                if (n == 0)
                {
                    break;
                }

                filled += n;
            }

            return ChildExit.FromWaitStatus(filled == status.Length ? BitConverter.ToInt32(status) : relayStatus);
        }
    }

    /// <summary>The cgroup leaf for a <see cref="ProcessContainment.Cgroup"/> plan (null otherwise).</summary>
    private static CgroupLeaf? CreateLeaf(SandboxPlan plan) =>
        plan.Containment == ProcessContainment.Cgroup ? CgroupLeaf.Create() : null;

    private static string? ContainmentStageName(ChildStage stage) => stage switch
    {
        ChildStage.PidnsUnshare => "clone(CLONE_NEWPID|CLONE_NEWNS|CLONE_NEWIPC)",
        ChildStage.ContainmentSignals => "sigprocmask(block all) for the relay or init",
        ChildStage.PidnsMountPrivate => "mount(/, MS_REC|MS_PRIVATE)",
        ChildStage.PidnsMountProc => "mount(proc, /proc)",
        ChildStage.PidnsMountDevpts => "mount(devpts, /dev/pts, newinstance)",
        ChildStage.PidnsNodev => "mount_setattr(/, AT_RECURSIVE, MOUNT_ATTR_NODEV) (device nodes only under /dev)",
        ChildStage.PidnsDevBind => "mount(/dev, /dev, MS_BIND|MS_REC)",
        ChildStage.PidnsDevDevices => "mount_setattr(/dev, clear MOUNT_ATTR_NODEV)",
        ChildStage.PidnsGrantBind => "openat2, open_tree and move_mount of a grant onto itself (the writable grants stay writable on read-only mounts)",
        ChildStage.PidnsGrantWritable => "mount_setattr(grant, clear MOUNT_ATTR_RDONLY) (the writable grants stay writable on read-only mounts)",
        ChildStage.PidnsGrantChanged => "the writable grants' binds",
        ChildStage.PidnsMountShm => "mount(tmpfs, /dev/shm) (shared memory private to the namespace)",
        ChildStage.PidnsChangeDirectory => "chdir to the working directory on the new mounts",
        ChildStage.PidnsSession => "setsid (a session of its own for the namespace's init)",
        ChildStage.PidnsProcRule => "landlock_add_rule for the new /proc or /dev/pts",
        ChildStage.ContainmentForkCommand => "start the command under the init or relay",
        ChildStage.CgroupEnter => "write cgroup.procs (join the run's cgroup)",
        ChildStage.ContainmentDeathSignal => "prctl(PR_SET_PDEATHSIG) for the relay",
        _ => null,
    };
}
