using Nono.Core.Audit.Events;

namespace Nono.Core.Audit;

/// <summary>The predicate of nono's audit attestation (predicate type <see cref="Type"/>).</summary>
public sealed record AuditPredicate
{
    /// <summary>The predicate type URI.</summary>
    public const string Type = "https://nono.dev/attestation/audit/v1";

    /// <summary>The session id.</summary>
    public required string SessionId { get; init; }

    /// <summary>When the session started.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>When it ended.</summary>
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>The command, redacted.</summary>
    public IReadOnlyList<string> Command { get; init; } = [];

    /// <summary>Digest of the resolved policy.</summary>
    public string? PolicyDigest { get; init; }

    /// <summary>The enforcement tier.</summary>
    public string? EnforcementTier { get; init; }

    /// <summary>Exit code of the command.</summary>
    public int? ExitCode { get; init; }

    /// <summary>GitHub Actions workflow, run, repository and commit, when in Actions.</summary>
    public RunnerIdentity? Runner { get; init; }

    /// <summary>Event count.</summary>
    public long EventCount { get; init; }

    /// <summary>The chain head (hex).</summary>
    public required string ChainHead { get; init; }

    /// <summary>The Merkle root (hex); also the subject's sha256 digest.</summary>
    public required string MerkleRoot { get; init; }

    /// <summary>Violations derived from the events.</summary>
    public int ViolationCount { get; init; }

    /// <summary>Snapshot roots, when snapshots were on.</summary>
    public IReadOnlyList<string>? SnapshotRoots { get; init; }
}
