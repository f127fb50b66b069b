using Nono.Core.Sandbox.Interop;

namespace Nono.Core.Sandbox;

/// <summary>A running sandboxed command, supervised by a dedicated thread that waits for it.</summary>
public sealed class SandboxedProcess : IDisposable
{
    private readonly SafeFdHandle _pidfd;
    private readonly Task<ChildExit> _exit;

    internal SandboxedProcess(int pid, SafeFdHandle pidfd, Task<ChildExit> exit)
    {
        Pid = pid;
        _pidfd = pidfd;
        _exit = exit;
    }

    /// <summary>The command's process id.</summary>
    public int Pid { get; }

    /// <summary>Completes when the command has exited and been reaped.</summary>
    public Task<ChildExit> WaitForExitAsync(CancellationToken cancellationToken = default) => _exit.WaitAsync(cancellationToken);

    /// <summary>Sends a signal through a pidfd (never a recycled pid). False when the command already exited.</summary>
    public bool Signal(int signal) => !_exit.IsCompleted && Interop.Interop.PidfdSendSignal(_pidfd, signal);

    /// <summary>Releases the pidfd; the supervisor thread keeps waiting for the command.</summary>
    public void Dispose() => _pidfd.Dispose();
}
