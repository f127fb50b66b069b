using System.Text.Json.Serialization;

namespace Nono.Core.Audit.Events;

/// <summary>How a file changed between the session's snapshots.</summary>
public enum FileChangeKind
{
    /// <summary>The file did not exist before.</summary>
    [JsonStringEnumMemberName("added")]
    Added,

    /// <summary>The file's content or mode changed.</summary>
    [JsonStringEnumMemberName("modified")]
    Modified,

    /// <summary>The file was removed.</summary>
    [JsonStringEnumMemberName("deleted")]
    Deleted,
}
