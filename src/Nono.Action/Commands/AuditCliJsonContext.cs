using System.Text.Json.Serialization;
using Nono.Core.Audit;

namespace Nono.Action.Commands;

/// <summary>Source-generated JSON for the audit commands' <c>--json</c> output.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true,
    WriteIndented = true)]
[JsonSerializable(typeof(IReadOnlyList<SessionMetadata>))]
[JsonSerializable(typeof(AuditShowOutput))]
[JsonSerializable(typeof(AuditVerification))]
[JsonSerializable(typeof(AuditCleanupOutput))]
internal sealed partial class AuditCliJsonContext : JsonSerializerContext
{
}
