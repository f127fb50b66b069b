using System.Text.Json.Serialization;

namespace Nono.Core.Policy;

/// <summary>Which kind of rule decided an access question.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DecidingRule>))]
public enum DecidingRule
{
    /// <summary>No rule covers the path: denied by default.</summary>
    [JsonStringEnumMemberName("none")]
    None,

    /// <summary>A grant allows it.</summary>
    [JsonStringEnumMemberName("grant")]
    Grant,

    /// <summary>A deny forbids it.</summary>
    [JsonStringEnumMemberName("deny")]
    Deny,

    /// <summary>Grants cover the path but not with the access asked for.</summary>
    [JsonStringEnumMemberName("insufficient_grant")]
    InsufficientGrant,

    /// <summary>A deny or deny_write inside a grant carved it: the grant does not reach the path, or reaches it read-only.</summary>
    [JsonStringEnumMemberName("carved")]
    Carved,
}
