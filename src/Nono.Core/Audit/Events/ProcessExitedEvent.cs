namespace Nono.Core.Audit.Events;

/// <summary>A process inside the sandbox exited.</summary>
public sealed record ProcessExitedEvent : AuditEvent
{
    /// <summary>The process id.</summary>
    public int Pid { get; init; }

    /// <summary>The exit code, when it exited normally.</summary>
    public int? ExitCode { get; init; }

    /// <summary>The terminating signal number, when killed by a signal.</summary>
    public int? Signal { get; init; }
}
