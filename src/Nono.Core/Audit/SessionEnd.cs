namespace Nono.Core.Audit;

/// <summary>How the session ended. Becomes the last event and completes session.json.</summary>
public sealed record SessionEnd
{
    /// <summary>Exit code, when the command exited.</summary>
    public int? ExitCode { get; init; }

    /// <summary>Signal, when the command was killed by one.</summary>
    public int? Signal { get; init; }

    /// <summary>Snapshot roots (before/after), when snapshots were on.</summary>
    public IReadOnlyList<string>? SnapshotRoots { get; init; }
}
