using System.Text.Json.Serialization;
using Nono.Core.Audit.Events;

namespace Nono.Core.Audit;

/// <summary>
/// Source-generated JSON for the audit files (snake_case, nulls omitted). Reading is strict: a duplicated or unknown
/// property is refused, so no two JSON readers can see different values in one file (a first-wins reader would see
/// another exit code than a last-wins one), and every field a writer emits must exist on its reader type.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true,
    AllowDuplicateProperties = false,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
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
