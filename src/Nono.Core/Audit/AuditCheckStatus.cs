using System.Text.Json.Serialization;

namespace Nono.Core.Audit;

/// <summary>Outcome of one <see cref="AuditCheck"/>.</summary>
public enum AuditCheckStatus
{
    /// <summary>The part verified.</summary>
    [JsonStringEnumMemberName("passed")]
    Passed,

    /// <summary>The part is missing, altered or inconsistent.</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,

    /// <summary>The part could not be checked (e.g. a signature but no public key to check it with); it is not trusted.</summary>
    [JsonStringEnumMemberName("unverified")]
    Unverified,

    /// <summary>The part does not exist and was not required (e.g. an unsigned session).</summary>
    [JsonStringEnumMemberName("absent")]
    Absent,
}
