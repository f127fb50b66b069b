using System.Text.Json.Serialization;

namespace Nono.Core.Audit;

/// <summary>Lifecycle state of a recorded session.</summary>
public enum SessionStatus
{
    /// <summary>Recording; or the supervisor died before completing it.</summary>
    [JsonStringEnumMemberName("running")]
    Running,

    /// <summary>Completed: integrity summary written and ledger entry appended.</summary>
    [JsonStringEnumMemberName("completed")]
    Completed,
}
