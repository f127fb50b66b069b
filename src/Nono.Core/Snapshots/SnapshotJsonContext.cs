using System.Text.Json.Serialization;

namespace Nono.Core.Snapshots;

/// <summary>Source-generated JSON for everything snapshots write or report (AOT-safe, no reflection).</summary>
[JsonSourceGenerationOptions(
    WriteIndented = false,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(Manifest))]
[JsonSerializable(typeof(SessionInfo))]
[JsonSerializable(typeof(List<SessionInfo>))]
[JsonSerializable(typeof(SnapshotDiff))]
[JsonSerializable(typeof(SessionReport))]
[JsonSerializable(typeof(RestoreResult))]
[JsonSerializable(typeof(VerifyResult))]
[JsonSerializable(typeof(RetentionResult))]
internal sealed partial class SnapshotJsonContext : JsonSerializerContext
{
}
