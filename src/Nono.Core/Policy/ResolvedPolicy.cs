using Nono.Core.Capabilities;

namespace Nono.Core.Policy;

/// <summary>A profile resolved against a <see cref="PolicyContext"/>: what the sandbox enforces, and where each part came from.</summary>
public sealed record ResolvedPolicy
{
    /// <summary>The requested profile's name.</summary>
    public required string ProfileName { get; init; }

    /// <summary>The profiles applied, bases first, the requested profile last.</summary>
    public required IReadOnlyList<string> Chain { get; init; }

    /// <summary>The groups applied, mandatory groups first.</summary>
    public required IReadOnlyList<string> Groups { get; init; }

    /// <summary>The merged profile (variables unexpanded).</summary>
    public required Profile Profile { get; init; }

    /// <summary>Canonical grants and denies, network mode and socket permission for the sandbox.</summary>
    public required CapabilitySet Capabilities { get; init; }

    /// <summary>Deny rules with a wildcard in the last component (canonical parent); existing matches are also in <see cref="CapabilitySet.Denies"/>.</summary>
    public IReadOnlyList<FsDeny> DenyPatterns { get; init; } = [];

    /// <summary>Canonical working directory.</summary>
    public required string Workdir { get; init; }

    /// <summary>Access granted to the working directory.</summary>
    public WorkdirAccess WorkdirAccess { get; init; }

    /// <summary>Environment variables let back through the sanitizer, and variables set.</summary>
    public EnvironmentSection Environment { get; init; } = new();

    /// <summary>The network section as modeled (for the proxy).</summary>
    public NetworkSection Network { get; init; } = new();

    /// <summary>The rollback section.</summary>
    public RollbackSection Rollback { get; init; } = new();

    /// <summary>
    /// <c>rollback.protected_paths</c> expanded and canonicalized (relative entries are relative to the working
    /// directory): paths a rollback never overwrites or removes.
    /// </summary>
    public IReadOnlyList<string> ProtectedPaths { get; init; } = [];

    /// <summary>Rules left out, with reasons.</summary>
    public IReadOnlyList<SkippedRule> Skipped { get; init; } = [];

    /// <summary>Lower-case hex SHA-256 over a canonical serialization of everything enforced (sources excluded).</summary>
    public required string Digest { get; init; }
}
