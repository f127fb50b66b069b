using System.Text.Json.Serialization;
using Nono.Reports.Model;

namespace Nono.Reports.Json;

/// <summary>Source-generated JSON for <see cref="SessionReport"/> (report.json in the session artifact).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UseStringEnumConverter = true,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SessionReport))]
public sealed partial class ReportJsonContext : JsonSerializerContext;
