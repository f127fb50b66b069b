namespace Nono.Core.Audit.Events;

/// <summary>A process started inside the sandbox (where the supervisor observes it).</summary>
public sealed record ProcessStartedEvent : AuditEvent
{
    /// <summary>The process id.</summary>
    public int Pid { get; init; }

    /// <summary>The parent process id, when known.</summary>
    public int? ParentPid { get; init; }

    /// <summary>The executable path.</summary>
    public required string Executable { get; init; }

    /// <summary>The arguments, with secrets redacted.</summary>
    public IReadOnlyList<string>? Arguments { get; init; }
}
