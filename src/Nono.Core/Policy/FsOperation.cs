using System.Text.Json.Serialization;

namespace Nono.Core.Policy;

/// <summary>The operation <c>nono why</c> asks about.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FsOperation>))]
public enum FsOperation
{
    /// <summary>Read (and execute).</summary>
    [JsonStringEnumMemberName("read")]
    Read,

    /// <summary>Write, create, remove.</summary>
    [JsonStringEnumMemberName("write")]
    Write,

    /// <summary>Both.</summary>
    [JsonStringEnumMemberName("readwrite")]
    ReadWrite,
}
