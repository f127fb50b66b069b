using Nono.Core.Audit;

namespace Nono.Action.Commands;

/// <summary><c>nono audit show --json</c>: the session, its events and the violations derived from them.</summary>
internal sealed record AuditShowOutput(SessionMetadata Session, IReadOnlyList<AuditShowEvent> Events, IReadOnlyList<AuditViolation> Violations);

