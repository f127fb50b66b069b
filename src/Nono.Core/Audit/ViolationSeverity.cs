using System.Text.Json.Serialization;

namespace Nono.Core.Audit;

/// <summary>Severity of an <see cref="AuditViolation"/>.</summary>
public enum ViolationSeverity
{
    /// <summary>Informational or expected denial.</summary>
    [JsonStringEnumMemberName("low")]
    Low,

    /// <summary>The agent tried something the policy forbids.</summary>
    [JsonStringEnumMemberName("medium")]
    Medium,

    /// <summary>Protection was weakened or a protected path changed.</summary>
    [JsonStringEnumMemberName("high")]
    High,
}
