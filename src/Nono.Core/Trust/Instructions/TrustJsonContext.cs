using System.Text.Json.Serialization;

namespace Nono.Core.Trust.Instructions;

/// <summary>Source-generated JSON for trust policies and verdicts.</summary>
[JsonSourceGenerationOptions(
    WriteIndented = true,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(TrustPolicy))]
[JsonSerializable(typeof(TrustVerdict))]
internal sealed partial class TrustJsonContext : JsonSerializerContext
{
}
