namespace Nono.Core.Sandbox;

/// <summary>How the sandboxed process ended.</summary>
/// <param name="ExitCode">The exit code, when it exited.</param>
/// <param name="TermSignal">The signal that killed it, when it was killed.</param>
public sealed record ChildExit(int? ExitCode, int? TermSignal)
{
    /// <summary>The shell convention: the exit code, or 128 + signal number.</summary>
    public int ShellExitCode => TermSignal is int signal ? 128 + signal : ExitCode ?? 0;

    /// <summary>Decodes a raw waitpid status.</summary>
    internal static ChildExit FromWaitStatus(int status) =>
        (status & 0x7f) == 0 ? new ChildExit((status >> 8) & 0xff, null) : new ChildExit(null, status & 0x7f);
}
