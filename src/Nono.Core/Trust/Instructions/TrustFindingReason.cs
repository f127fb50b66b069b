using System.Text.Json.Serialization;

namespace Nono.Core.Trust.Instructions;

/// <summary>Why an instruction file is not trusted.</summary>
public enum TrustFindingReason
{
    /// <summary>No <c>FILE.bundle</c> beside the file.</summary>
    [JsonStringEnumMemberName("unsigned")]
    NotSigned,

    /// <summary>The file's digest differs from the signed one.</summary>
    [JsonStringEnumMemberName("modified")]
    Modified,

    /// <summary>The file's digest is on the policy's blocklist.</summary>
    [JsonStringEnumMemberName("blocklisted")]
    Blocklisted,

    /// <summary>Validly signed, but by no publisher of the policy.</summary>
    [JsonStringEnumMemberName("unknown_publisher")]
    UnknownPublisher,

    /// <summary>The bundle is malformed or fails verification (certificate, log entry, trusted root).</summary>
    [JsonStringEnumMemberName("invalid_signature")]
    InvalidSignature,
}
