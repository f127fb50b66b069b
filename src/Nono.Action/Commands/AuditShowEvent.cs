using Nono.Core.Audit.Events;

namespace Nono.Action.Commands;

/// <summary>One event of <see cref="AuditShowOutput"/>.</summary>
internal sealed record AuditShowEvent(long Seq, AuditEvent? Event);
