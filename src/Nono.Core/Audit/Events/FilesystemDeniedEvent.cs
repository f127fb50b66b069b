namespace Nono.Core.Audit.Events;

/// <summary>The sandbox refused a filesystem access.</summary>
public sealed record FilesystemDeniedEvent : AuditEvent
{
    /// <summary>The path that was refused.</summary>
    public required string Path { get; init; }

    /// <summary>The access that was attempted (e.g. <c>read</c>, <c>write</c>, <c>execute</c>).</summary>
    public required string Access { get; init; }

    /// <summary>The process id that attempted it, when known.</summary>
    public int? Pid { get; init; }

    /// <summary>The rule or reason, when known.</summary>
    public string? Reason { get; init; }

    /// <summary>The mechanism that saw the denial: <c>landlock-audit</c> or <c>seccomp-observer</c> (see <see cref="Observers.ObserverMechanisms"/>).</summary>
    public string? Mechanism { get; init; }
}
