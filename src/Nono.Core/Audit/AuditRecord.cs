using Nono.Core.Audit.Events;

namespace Nono.Core.Audit;

/// <summary>An event line as read back from audit-events.ndjson.</summary>
/// <param name="Seq">Position of the event, from 0.</param>
/// <param name="Event">The parsed event, or null when the event JSON did not parse.</param>
/// <param name="EventJson">The exact bytes of the event object, as hashed.</param>
/// <param name="Leaf">The stored leaf hash (hex).</param>
/// <param name="Chain">The stored chain value (hex).</param>
public sealed record AuditRecord(long Seq, AuditEvent? Event, ReadOnlyMemory<byte> EventJson, string Leaf, string Chain);
