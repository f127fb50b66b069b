using System.Text.Json.Serialization;

namespace Nono.Core.Policy;

/// <summary>Access granted to the working directory.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<WorkdirAccess>))]
public enum WorkdirAccess
{
    /// <summary>No access.</summary>
    [JsonStringEnumMemberName("none")]
    None,

    /// <summary>Read only.</summary>
    [JsonStringEnumMemberName("read")]
    Read,

    /// <summary>Write only.</summary>
    [JsonStringEnumMemberName("write")]
    Write,

    /// <summary>Read and write.</summary>
    [JsonStringEnumMemberName("readwrite")]
    ReadWrite,
}
