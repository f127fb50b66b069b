using Nono.Core.Audit.Observers;

namespace Nono.Core.Audit.Events;

/// <summary>
/// Which mechanisms watched for filesystem denials in this session, which could not, and why. Without it a session
/// with no filesystem-denied events would not say whether nothing was denied or nothing was watching.
/// </summary>
public sealed record FilesystemObserversEvent : AuditEvent
{
    /// <summary>One entry per mechanism (<see cref="ObserverMechanisms"/>).</summary>
    public required IReadOnlyList<ObserverReport> Observers { get; init; }
}
