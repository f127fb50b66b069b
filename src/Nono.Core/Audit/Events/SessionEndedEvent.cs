namespace Nono.Core.Audit.Events;

/// <summary>The supervised command finished.</summary>
public sealed record SessionEndedEvent : AuditEvent
{
    /// <summary>The exit code, when the command exited normally.</summary>
    public int? ExitCode { get; init; }

    /// <summary>The terminating signal, when it was killed by one.</summary>
    public int? Signal { get; init; }

    /// <summary>Wall-clock duration in milliseconds.</summary>
    public long DurationMs { get; init; }
}
