using System.Text.Json.Serialization;
using Nono.Core.Audit.Events;

namespace Nono.Core.Audit;

/// <summary>Source-generated JSON for the audit files (snake_case, nulls omitted).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(AuditEvent))]
[JsonSerializable(typeof(SessionMetadata))]
[JsonSerializable(typeof(LedgerEntry))]
[JsonSerializable(typeof(AuditPredicate))]
[JsonSerializable(typeof(AuditViolation))]
[JsonSerializable(typeof(AuditVerification))]
[JsonSerializable(typeof(IReadOnlyList<AuditViolation>))]
public sealed partial class AuditJsonContext : JsonSerializerContext
{
}
