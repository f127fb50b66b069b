using Nono.Core.Diagnostics;
using Nono.Core.Sandbox.Interop;

namespace Nono.Core.Sandbox;

public static partial class SandboxLauncher
{
    private const int SIGKILL = 9;

    /// <summary>How long a forked child may take to give its first sign of life before it is presumed stuck.</summary>
    private const int AliveTimeoutMilliseconds = 3_000;

    private const int MaxForkAttempts = 5;

    private static readonly Lock s_forkLock = new();

    private static int s_stuckChildren;

    private static int s_awaitingLaunch;

    /// <summary>How many forked children were found stuck before their first step and retried (diagnostics).</summary>
    internal static int StuckChildren => Volatile.Read(ref s_stuckChildren);

    /// <summary>Supervisor threads started and still waiting for their caller to build the launch (diagnostics, tests).</summary>
    internal static int SupervisorsAwaitingLaunch => Volatile.Read(ref s_awaitingLaunch);

    // SAFETY: state (and the context it owns) outlives every fork attempt: it is disposed at the end of the using.
    private static unsafe void Supervise(
        ThreadHandoff<PreparedLaunch> prepared,
        string executable,
        ThreadHandoff<SandboxedProcess> started,
        TaskCompletionSource<ChildExit> exited,
        Audit.Observers.SeccompObserver? observer)
    {
        Interlocked.Increment(ref s_awaitingLaunch);
        OpenForkRegion(); // while the caller builds the state
        PrestartObserver(observer);
        PreparedLaunch launch;
        try
        {
            launch = prepared.Wait();
        }
        catch
        {
            return; // the caller could not build the launch and throws that itself
        }
        finally
        {
            prepared.Dispose();
            Interlocked.Decrement(ref s_awaitingLaunch);
        }

        (NativeLaunchState state, CgroupLeaf? leaf) = launch;
        int pid = -1;
        SafeFdHandle? pidfd = null;
        SafeFdHandle? status = null;
        try
        {
            using (state)
            {
                for (int attempt = 1; pid < 0; attempt++)
                {
                    (pid, pidfd) = ForkOnce(state, executable, attempt);
                }

                status = state.TakeStatusReader();
            }
        }
        catch (Exception ex)
        {
            leaf?.Dispose();
            started.Fail(ex);
            return;
        }

        started.Set(new SandboxedProcess(pid, pidfd!, exited.Task));
        try
        {
            ChildExit exit = CommandExit(Interop.Interop.WaitForExit(pid), status);
            leaf?.Dispose(); // whatever the command left running in its cgroup ends with it
            exited.SetResult(exit);
        }
        catch (NonoException ex)
        {
            exited.SetException(ex);
        }
    }

    /// <summary>
    /// One fork. Returns (-1, null) when the child gave no sign of life in time: it is then stuck before its
    /// first step (a runtime GC suspension in flight at fork time leaves the child waiting for a GC thread that
    /// does not exist in it), has certainly not exec'd, and is killed, so another attempt is safe.
    /// </summary>
    private static unsafe (int Pid, SafeFdHandle? Pidfd) ForkOnce(NativeLaunchState state, string executable, int attempt)
    {
        (SafeFdHandle read, SafeFdHandle write) = Interop.Interop.Pipe();
        (SafeFdHandle? channel, SafeFdHandle? childEnd) = state.HandsOffListener ? Interop.Interop.SocketPair() : (null, null);
        SafeFdHandle? statusWrite = state.OpenStatusPipe();
        (SafeFdHandle? observerChannel, SafeFdHandle? observerEnd) = state.Observer is not null ? Interop.Interop.SocketPair() : (null, null);
        using (read)
        using (channel)
        using (observerChannel)
        {
            int pid;
            using (write)
            using (childEnd)
            using (statusWrite)
            using (observerEnd)
            {
                state.Context->ErrorPipe = write.Fd;
                state.Context->HandoffFd = childEnd?.Fd ?? -1;
                state.Context->ObserverFd = observerEnd?.Fd ?? -1;
                pid = ForkWithoutGc(state);
                if (pid < 0)
                {
                    if (RefusedClone(state) is long refused)
                    {
                        ThrowChildFailure(refused, executable);
                    }

                    Interop.Interop.ThrowSetupFailed("fork", state.Context->ForkErrno);
                }
            }

            SafeFdHandle pidfd = Interop.Interop.PidfdOpen(pid);
            try
            {
                Span<byte> alive = stackalloc byte[1];
                if (!Interop.Interop.WaitReadable(read, AliveTimeoutMilliseconds))
                {
                    Interlocked.Increment(ref s_stuckChildren);
                    KillAndReap(pid, pidfd);
                    pidfd.Dispose();
                    if (attempt >= MaxForkAttempts)
                    {
                        throw new NonoException(NonoErrorCode.SandboxSetupFailed, $"the sandbox child never started after {attempt} attempts");
                    }

                    return (-1, null);
                }

                if (Interop.Interop.Read(read, alive) == 0)
                {
                    Interop.Interop.WaitForExit(pid);
                    throw new NonoException(NonoErrorCode.SandboxSetupFailed, "the sandbox child died before its first step");
                }

                if (channel is not null)
                {
                    ReceiveListener(channel, state.ProxyHandoff ?? throw new InvalidOperationException("no proxy hand-off for a netns proxy plan"), pid, pidfd);
                }

                if (observerChannel is not null)
                {
                    ReceiveObserver(observerChannel, state.Observer!, pid, pidfd); // not null: the channel exists only with an observer
                }

                if (ReadChildReport(read, pid, pidfd) is long failure)
                {
                    Interop.Interop.WaitForExit(pid);
                    ThrowChildFailure(failure, executable);
                }

                return (pid, pidfd);
            }
            catch
            {
                pidfd.Dispose();
                throw;
            }
        }
    }

    /// <summary>
    /// Forks inside a no-GC region, so no allocation-triggered GC can start suspending threads while fork
    /// runs (a child forked while a suspension is pending would wait forever at its first GC poll for a GC
    /// thread it does not have). Induced GCs and other runtime suspensions can still interfere; the caller's
    /// alive check and retry cover those.
    /// </summary>
    /// <remarks>
    /// The region starts without a collection (<c>disallowFullBlockingGC</c>): unsplit, the budget applies to the
    /// large-object heap too, which its current 32 MB region never holds, so the GC used to collect fully (stack walks,
    /// compaction, then the finalizer's gen-2 trimming: ~3 ms of every launch) and then take a new region anyway; now
    /// it takes the region and commits the small-object budget straight away. The budget is the same.
    /// <para>
    /// The region is then left open rather than ended after the fork: it ends by itself, with an ordinary GC, once the
    /// process has allocated the budget. Ended at once, the first allocation that needs fresh space collects right away
    /// in a process that has never collected (the GC's "over a second since the last gen-0 GC" rule counts from zero), and
    /// after the fork that collection writes into pages the child still shares (~100 copy-on-write faults). A later
    /// fork in the same process reuses the open region or starts a fresh one, and collects now and then, so repeated
    /// launches cannot grow the heap without bound (<see cref="ForkGcRegion"/>). If the memory cannot be had even with a
    /// collection, the fork goes ahead unprotected, as it always could (docs/notes/s8-startup.md).
    /// </para>
    /// </remarks>
    // SAFETY: the context is complete (NativeLaunchState constructor) and its ErrorPipe is open for the call.
    private static unsafe int ForkWithoutGc(NativeLaunchState state)
    {
        // Usually the region OpenForkRegion opened is still open here, and Enter returns at once.
        lock (s_forkLock)
        {
            ForkGcRegion.Enter();
            return ChildProcess.Fork(state.Context);
        }
    }

    /// <summary>
    /// Opens the fork's no-GC region ahead of the fork (committing its budget takes a while), so that it overlaps with
    /// building the launch state on the calling thread. <see cref="ForkWithoutGc"/> enters it again under the same lock
    /// right before the clone and finds it open (or opens a fresh one if another launch used it up meanwhile).
    /// </summary>
    private static void OpenForkRegion()
    {
        try
        {
            lock (s_forkLock)
            {
                ForkGcRegion.Enter();
            }
        }
        catch (Exception)
        {
            // Only a head start: ForkWithoutGc enters the region again before the clone, and a failure there is reported
            // to the caller. Nothing may escape here, or the caller would wait for a launch nobody makes.
        }
    }

    /// <summary>Null when the child exec'd (EOF: the pipe is CLOEXEC); else the failure it reported.</summary>
    private static long? ReadChildReport(SafeFdHandle pipe, int pid, SafeFdHandle pidfd)
    {
        Span<byte> buffer = stackalloc byte[sizeof(long)];
        int filled = 0;
        while (true)
        {
            if (!Interop.Interop.WaitReadable(pipe, ChildSetupTimeoutMilliseconds))
            {
                // Alive but neither failed nor exec'd in this long: stuck in setup. Not retried, since by now
                // exec could be racing with the kill.
                KillAndReap(pid, pidfd);
                throw new NonoException(NonoErrorCode.SandboxSetupFailed, "the sandbox child did not reach exec; it was killed");
            }

            int n = Interop.Interop.Read(pipe, buffer[filled..]);
            if (n == 0)
            {
                if (filled != 0)
                {
                    Interop.Interop.WaitForExit(pid);
                    throw new NonoException(NonoErrorCode.SandboxSetupFailed, "the sandbox child sent a truncated report");
                }

                return null;
            }

            filled += n;
            if (filled == sizeof(long))
            {
                return BitConverter.ToInt64(buffer);
            }
        }
    }

    private static void KillAndReap(int pid, SafeFdHandle pidfd)
    {
        Interop.Interop.PidfdSendSignal(pidfd, SIGKILL);
        Interop.Interop.WaitForExit(pid);
    }

    private static string StageName(ChildStage stage) => NetnsStageName(stage) ?? ContainmentStageName(stage) ?? stage.ToString();

    private static void ThrowChildFailure(long failure, string executable)
    {
        ChildStage stage = (ChildStage)(int)failure;
        int errno = (int)(failure >> 32);
        string syscall = stage switch
        {
            ChildStage.ParentDeathSignal => "prctl(PR_SET_PDEATHSIG)",
            ChildStage.ParentGone => "getppid (the direct PID-namespace init: PPid in /proc/self/status)",
            ChildStage.SignalMask => "sigprocmask",
            ChildStage.Stdio => "dup2",
            ChildStage.ChangeDirectory => "chdir",
            ChildStage.CloseDescriptors => "close_range",
            ChildStage.NoNewPrivileges => "prctl(PR_SET_NO_NEW_PRIVS)",
            ChildStage.LandlockRestrictSelf => "landlock_restrict_self",
            ChildStage.Seccomp => "seccomp(SECCOMP_SET_MODE_FILTER)",
            ChildStage.Execve => "execve",
            ChildStage.DropPtraceCapability => "prctl(PR_CAPBSET_DROP, CAP_SYS_PTRACE)",
            ChildStage.DropSetfcapCapability => "prctl(PR_CAPBSET_DROP, CAP_SETFCAP)",
            ChildStage.ObserverInstall => "seccomp(SECCOMP_FILTER_FLAG_NEW_LISTENER)",
            ChildStage.ObserverHandoff => "sendmsg(SCM_RIGHTS observer listener)",
            _ => NetnsStageName(stage) ?? ContainmentStageName(stage) ?? $"child stage {(int)stage}",
        };
        if (NetnsStageName(stage) is not null)
        {
            NetworkNamespaceSupport diagnosis = Diagnose(stage, errno);
            throw new NonoException(NonoErrorCode.SandboxSetupFailed, $"sandbox setup failed: {diagnosis}", null, syscall, errno);
        }

        if (stage == ChildStage.PidnsGrantChanged)
        {
            throw NativeLaunchState.GrantChangedBeforeBind(errno == (int)Interop.Interop.Errno.ELOOP);
        }

        if (stage == ChildStage.Execve && errno == (int)Interop.Interop.Errno.ENOENT)
        {
            throw new NonoException(NonoErrorCode.CommandNotFound, $"{executable}: command not found", executable, syscall, errno);
        }

        string where = stage == ChildStage.Execve ? $" {executable}" : "";
        string hint = stage == ChildStage.Execve && errno == (int)Interop.Interop.Errno.EACCES ? " (is it under a read grant?)"
            : stage == ChildStage.ChangeDirectory && errno == (int)Interop.Interop.Errno.EACCES
                ? " (in the namespace tiers it is entered inside the new user namespace, where even root has no CAP_DAC_*: its mode bits must let the caller search it)"
            : ContainmentStageName(stage) is not null ? " (process containment does not work here; nono setup shows which tier does)"
            : stage == ChildStage.LandlockRestrictSelf && errno == (int)Interop.Interop.Errno.EPERM
                ? " (a seccomp filter refused it: a nono sandbox whose landlock-audit observer records the session refuses nested Landlock domains, which could hide denials; run the outer nono with --fs-observer off to allow a nested sandbox)"
            : "";
        throw new NonoException(
            NonoErrorCode.SandboxSetupFailed,
            $"sandbox setup failed at {syscall}{where}: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}){hint}",
            stage == ChildStage.Execve ? executable : null,
            syscall,
            errno);
    }
}
