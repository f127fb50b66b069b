using System.Text.Json.Serialization;

namespace Nono.Core.Audit.Events;

/// <summary>What the egress proxy decided about a request.</summary>
public enum NetworkDecision
{
    /// <summary>The request was forwarded.</summary>
    [JsonStringEnumMemberName("allowed")]
    Allowed,

    /// <summary>The request was refused by policy.</summary>
    [JsonStringEnumMemberName("denied")]
    Denied,
}
