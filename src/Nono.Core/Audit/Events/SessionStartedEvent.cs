namespace Nono.Core.Audit.Events;

/// <summary>The session began: what ran, under which policy and how strongly it was enforced.</summary>
public sealed record SessionStartedEvent : AuditEvent
{
    /// <summary>The command line, with secrets already redacted (see <see cref="Nono.Core.Audit.CommandRedactor"/>).</summary>
    public required IReadOnlyList<string> Command { get; init; }

    /// <summary>Digest of the resolved policy, e.g. <c>sha256:…</c>.</summary>
    public string? PolicyDigest { get; init; }

    /// <summary>The enforcement tier actually applied (e.g. <c>landlock+seccomp</c>, or a named weaker mode).</summary>
    public string? EnforcementTier { get; init; }

    /// <summary>The probed Landlock ABI version, or null when Landlock is unavailable.</summary>
    public int? LandlockAbi { get; init; }

    /// <summary>The kernel release (uname -r).</summary>
    public string? Kernel { get; init; }

    /// <summary>The GitHub Actions runner identity, when running in Actions.</summary>
    public RunnerIdentity? Runner { get; init; }
}
