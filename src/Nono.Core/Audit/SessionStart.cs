using Nono.Core.Audit.Events;

namespace Nono.Core.Audit;

/// <summary>What the caller knows when a session starts. Becomes the first event and session.json.</summary>
public sealed record SessionStart
{
    /// <summary>The command, secrets already redacted by the caller (see <see cref="CommandRedactor"/>).</summary>
    public required IReadOnlyList<string> Command { get; init; }

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

    /// <summary>A caller-chosen session id; null to generate one.</summary>
    public string? SessionId { get; init; }
}
