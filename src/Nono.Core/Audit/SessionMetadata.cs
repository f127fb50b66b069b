using Nono.Core.Audit.Events;

namespace Nono.Core.Audit;

/// <summary>The contents of a session's <c>session.json</c>.</summary>
public sealed record SessionMetadata
{
    /// <summary>Format version of this file.</summary>
    public int Version { get; init; } = 1;

    /// <summary>The session id (also the folder name).</summary>
    public required string SessionId { get; init; }

    /// <summary>Running or completed.</summary>
    public SessionStatus Status { get; init; }

    /// <summary>When recording started.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>When recording completed.</summary>
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>The command, secrets redacted.</summary>
    public IReadOnlyList<string> Command { get; init; } = [];

    /// <summary>Digest of the resolved policy.</summary>
    public string? PolicyDigest { get; init; }

    /// <summary>Enforcement tier applied.</summary>
    public string? EnforcementTier { get; init; }

    /// <summary>Landlock ABI in effect.</summary>
    public int? LandlockAbi { get; init; }

    /// <summary>Kernel release.</summary>
    public string? Kernel { get; init; }

    /// <summary>GitHub Actions identity, when in Actions.</summary>
    public RunnerIdentity? Runner { get; init; }

    /// <summary>Exit code of the command.</summary>
    public int? ExitCode { get; init; }

    /// <summary>Terminating signal of the command.</summary>
    public int? Signal { get; init; }

    /// <summary>Duration in milliseconds.</summary>
    public long? DurationMs { get; init; }

    /// <summary>Content-addressed snapshot roots (before/after), when snapshots were on.</summary>
    public IReadOnlyList<string>? SnapshotRoots { get; init; }

    /// <summary>Number of violations derived from the events at completion.</summary>
    public int? ViolationCount { get; init; }

    /// <summary>Integrity summary, present once completed.</summary>
    public IntegritySummary? Integrity { get; init; }
}
