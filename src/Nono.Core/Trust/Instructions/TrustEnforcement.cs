using System.Text.Json.Serialization;

namespace Nono.Core.Trust.Instructions;

/// <summary>What happens when an instruction file fails verification.</summary>
public enum TrustEnforcement
{
    /// <summary>The run refuses to start.</summary>
    [JsonStringEnumMemberName("deny")]
    Deny,

    /// <summary>The run starts; every finding is reported as a warning.</summary>
    [JsonStringEnumMemberName("warn")]
    Warn,

    /// <summary>The run starts; findings are only recorded.</summary>
    [JsonStringEnumMemberName("audit")]
    Audit,
}
