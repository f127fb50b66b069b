namespace Nono.Core.Snapshots;

/// <summary>Which sessions to keep. Every limit that is set applies; a session is removed when any limit says so.</summary>
public sealed record RetentionPolicy
{
    /// <summary>Keep at most this many most recent sessions.</summary>
    public int? KeepCount { get; init; }

    /// <summary>Remove sessions created longer ago than this.</summary>
    public TimeSpan? OlderThan { get; init; }

    /// <summary>Remove oldest sessions until the objects the rest reference fit in this many bytes.</summary>
    public long? MaxTotalBytes { get; init; }
}
