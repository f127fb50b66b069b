namespace Nono.Reports.Model;

/// <summary>
/// Everything the reports render about one sandboxed session. Every string that came from the
/// sandboxed process or the workspace (paths, hosts, output) is untrusted: renderers escape it.
/// </summary>
public sealed record SessionReport
{
    /// <summary>Session identifier.</summary>
    public required string SessionId { get; init; }

    /// <summary>The command as run, secrets already redacted.</summary>
    public required string Command { get; init; }

    /// <summary>Profile name.</summary>
    public required string Profile { get; init; }

    /// <summary>Enforcement tier that was in force.</summary>
    public required string EnforcementTier { get; init; }

    /// <summary>Landlock ABI in force, when Landlock was used.</summary>
    public int? LandlockAbi { get; init; }

    /// <summary>Weaker modes the user opted into. Empty when enforcement was complete.</summary>
    public IReadOnlyList<string> WeakerModes { get; init; } = [];

    /// <summary>The child's exit code (128+N when killed by signal N).</summary>
    public int ExitCode { get; init; }

    /// <summary>The signal that killed the child, when one did (the outcome is then shown as the signal, never as an exit code).</summary>
    public int? Signal { get; init; }

    /// <summary>"killed by signal N" or "exit N", for renderers.</summary>
    public string Outcome => Signal is int signal
        ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"killed by signal {signal}")
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"exit {ExitCode}");

    /// <summary>Wall-clock duration of the session.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>Audit findings.</summary>
    public IReadOnlyList<ReportViolation> Violations { get; init; } = [];

    /// <summary>Per-host network activity.</summary>
    public IReadOnlyList<NetworkHostSummary> Network { get; init; } = [];

    /// <summary>Audit mode only: the allow-list that would have made the run clean. Null in enforce mode.</summary>
    public NetworkProposal? NetworkProposal { get; init; }

    /// <summary>Changed files, when snapshots were on.</summary>
    public IReadOnlyList<FileChangeSummary> Changes { get; init; } = [];

    /// <summary>Whether a snapshot diff exists (false: changes are unknown, not empty).</summary>
    public bool SnapshotsEnabled { get; init; }

    /// <summary>Signature, or null when the session was not signed.</summary>
    public SignatureSummary? Signature { get; init; }

    /// <summary>Name of the uploaded session artifact, when there is one.</summary>
    public string? ArtifactName { get; init; }

    /// <summary>Why the session record is incomplete (not completed, final snapshot missing); null when complete.</summary>
    public string? Incomplete { get; init; }

    /// <summary>Facts the reader must know, e.g. "the checkout token was hidden from the sandbox".</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}
