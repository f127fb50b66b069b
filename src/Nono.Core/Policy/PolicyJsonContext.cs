using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nono.Core.Policy;

/// <summary>Source-generated JSON metadata for the profile model (AOT-safe, no reflection).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(Profile))]
[JsonSerializable(typeof(Dictionary<string, PolicyGroup>))]
[JsonSerializable(typeof(ResolvedPolicy))]
[JsonSerializable(typeof(Decision))]
[JsonSerializable(typeof(PolicyProblem[]))]
internal sealed partial class PolicyJsonContext : JsonSerializerContext;
