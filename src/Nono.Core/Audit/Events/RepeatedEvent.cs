namespace Nono.Core.Audit.Events;

/// <summary>One recorded event that happened more than once (see <see cref="EventsSuppressedEvent"/>).</summary>
public sealed record RepeatedEvent
{
    /// <summary>What it was about: the path of a filesystem denial.</summary>
    public required string Subject { get; init; }

    /// <summary>The access or method, e.g. <c>read</c>.</summary>
    public string? Access { get; init; }

    /// <summary>The mechanism that saw it, when known.</summary>
    public string? Mechanism { get; init; }

    /// <summary>How often it happened, the recorded occurrence included.</summary>
    public long Count { get; init; }
}
