using System.Text.Json.Serialization;

namespace Nono.Core.Audit.Events;

/// <summary>
/// One thing that happened during a supervised session. The concrete type is written as the
/// <c>type</c> discriminator of the event's JSON object.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(SessionStartedEvent), "session_started")]
[JsonDerivedType(typeof(NetworkEvent), "network")]
[JsonDerivedType(typeof(FilesystemDeniedEvent), "filesystem_denied")]
[JsonDerivedType(typeof(FilesystemObserversEvent), "filesystem_observers")]
[JsonDerivedType(typeof(DnsTrapUnavailableEvent), "dns_trap_unavailable")]
[JsonDerivedType(typeof(ProcessStartedEvent), "process_started")]
[JsonDerivedType(typeof(ProcessExitedEvent), "process_exited")]
[JsonDerivedType(typeof(FileChangedEvent), "file_changed")]
[JsonDerivedType(typeof(GitControlChangedEvent), "git_control_changed")]
[JsonDerivedType(typeof(ExcludedPathChangedEvent), "excluded_path_changed")]
[JsonDerivedType(typeof(EventsSuppressedEvent), "events_suppressed")]
[JsonDerivedType(typeof(PolicyWeakenedEvent), "policy_weakened")]
[JsonDerivedType(typeof(SessionEndedEvent), "session_ended")]
public abstract record AuditEvent
{
    private protected AuditEvent()
    {
    }

    /// <summary>When the event happened (UTC).</summary>
    public DateTimeOffset Timestamp { get; init; }
}
