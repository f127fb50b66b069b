namespace Nono.Core.Audit.Events;

/// <summary>The session ran with less protection than the policy's default, through an explicit opt-in.</summary>
public sealed record PolicyWeakenedEvent : AuditEvent
{
    /// <summary>The setting that was weakened (e.g. <c>network</c>, <c>enforcement</c>).</summary>
    public required string Setting { get; init; }

    /// <summary>The protective value.</summary>
    public string? From { get; init; }

    /// <summary>The weaker value that was in effect.</summary>
    public string? To { get; init; }

    /// <summary>Why (the named opt-in or kernel limitation).</summary>
    public string? Reason { get; init; }
}
