namespace Nono.Core.Audit.Events;

/// <summary>
/// The network namespace's DNS trap could not be set up (the kernel refused a step), so lookups that bypass the proxy
/// failed unrecorded in this session. A status, not a denial: isolation does not depend on the trap.
/// </summary>
public sealed record DnsTrapUnavailableEvent : AuditEvent
{
    /// <summary>The failed step and its error.</summary>
    public required string Reason { get; init; }
}
