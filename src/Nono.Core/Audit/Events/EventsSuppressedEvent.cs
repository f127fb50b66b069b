namespace Nono.Core.Audit.Events;

/// <summary>
/// The events of one kind that the session did not write one by one: identical repeats folded into the event recorded
/// first (filesystem denials with the same mechanism, path and access), and distinct events past the per-session cap.
/// Written at the end of the session, inside the hash chain, so a flood never drops events silently.
/// </summary>
public sealed record EventsSuppressedEvent : AuditEvent
{
    /// <summary>The kind of event, e.g. <c>filesystem_denied</c> or <c>network</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>Distinct events past the cap: not recorded at all. Nonzero means the record is incomplete.</summary>
    public long Suppressed { get; init; }

    /// <summary>Repeats of recorded events, not written again (counted per event in <see cref="Repeats"/>).</summary>
    public long Repeated { get; init; }

    /// <summary>The cap of distinct events of this kind per session.</summary>
    public int Cap { get; init; }

    /// <summary>The most repeated recorded events, most first, with how often each happened in total.</summary>
    public IReadOnlyList<RepeatedEvent> Repeats { get; init; } = [];
}
