using Nono.Core.Diagnostics;
using Nono.Core.Sandbox.Interop;

namespace Nono.Core.Sandbox;

public static partial class SandboxLauncher
{
    private const int SIGKILL = 9;

    private static unsafe void Supervise(
        NativeLaunchState state,
        string executable,
        TaskCompletionSource<SandboxedProcess> started,
        TaskCompletionSource<ChildExit> exited)
    {
        int pid;
        SafeFdHandle? pidfd = null;
        try
        {
            using (state)
            {
                pid = ChildProcess.Fork(state.Context);
                if (pid < 0)
                {
                    Interop.Interop.ThrowSetupFailed("fork", *state.Context->ErrnoLocation());
                }

                state.CloseWriteEnd();
                pidfd = Interop.Interop.PidfdOpen(pid);
                long? failure = ReadChildReport(state.ErrorRead, pid);
                if (failure is long f)
                {
                    Interop.Interop.WaitForExit(pid);
                    ThrowChildFailure(f, executable);
                }
            }
        }
        catch (Exception ex)
        {
            pidfd?.Dispose();
            started.SetException(ex);
            return;
        }

        started.SetResult(new SandboxedProcess(pid, pidfd, exited.Task));
        try
        {
            exited.SetResult(ChildExit.FromWaitStatus(Interop.Interop.WaitForExit(pid)));
        }
        catch (NonoException ex)
        {
            exited.SetException(ex);
        }
    }

    /// <summary>Null when the child exec'd (EOF after its sign of life); else the failure it reported.</summary>
    private static long? ReadChildReport(SafeFdHandle pipe, int pid)
    {
        Span<byte> buffer = stackalloc byte[sizeof(long)];
        bool alive = false;
        int filled = 0;
        while (true)
        {
            if (!Interop.Interop.WaitReadable(pipe, ChildSetupTimeoutMilliseconds))
            {
                // Exec closes the pipe (CLOEXEC); a child that neither failed nor exec'd in this long is stuck
                // before exec, so killing it cannot kill the user's command.
                KillAndReap(pid);
                throw new NonoException(NonoErrorCode.SandboxSetupFailed, "the sandbox child did not reach exec; it was killed");
            }

            int n = alive
                ? Interop.Interop.Read(pipe, buffer[filled..])
                : Interop.Interop.Read(pipe, buffer[..1]);
            if (n == 0)
            {
                if (!alive || filled != 0)
                {
                    Interop.Interop.WaitForExit(pid);
                    throw new NonoException(NonoErrorCode.SandboxSetupFailed, "the sandbox child died before exec without a report");
                }

                return null;
            }

            if (!alive)
            {
                alive = true;
                continue;
            }

            filled += n;
            if (filled == sizeof(long))
            {
                return BitConverter.ToInt64(buffer);
            }
        }
    }

    private static void KillAndReap(int pid)
    {
        using SafeFdHandle pidfd = Interop.Interop.PidfdOpen(pid);
        Interop.Interop.PidfdSendSignal(pidfd, SIGKILL);
        Interop.Interop.WaitForExit(pid);
    }

    private static void ThrowChildFailure(long failure, string executable)
    {
        ChildStage stage = (ChildStage)(int)failure;
        int errno = (int)(failure >> 32);
        string syscall = stage switch
        {
            ChildStage.ParentDeathSignal => "prctl(PR_SET_PDEATHSIG)",
            ChildStage.ParentGone => "getppid",
            ChildStage.SignalMask => "sigprocmask",
            ChildStage.Stdio => "dup2",
            ChildStage.ChangeDirectory => "chdir",
            ChildStage.CloseDescriptors => "close_range",
            ChildStage.NoNewPrivileges => "prctl(PR_SET_NO_NEW_PRIVS)",
            ChildStage.LandlockRestrictSelf => "landlock_restrict_self",
            ChildStage.Seccomp => "seccomp(SECCOMP_SET_MODE_FILTER)",
            ChildStage.Execve => "execve",
            ChildStage.DropPtraceCapability => "prctl(PR_CAPBSET_DROP, CAP_SYS_PTRACE)",
            _ => $"child stage {(int)stage}",
        };
        if (stage == ChildStage.Execve && errno == (int)Interop.Interop.Errno.ENOENT)
        {
            throw new NonoException(NonoErrorCode.CommandNotFound, $"{executable}: command not found", executable, syscall, errno);
        }

        string where = stage == ChildStage.Execve ? $" {executable}" : "";
        string hint = stage == ChildStage.Execve && errno == (int)Interop.Interop.Errno.EACCES ? " (is it under a read grant?)" : "";
        throw new NonoException(
            NonoErrorCode.SandboxSetupFailed,
            $"sandbox setup failed at {syscall}{where}: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}){hint}",
            stage == ChildStage.Execve ? executable : null,
            syscall,
            errno);
    }
}
