using Nono.Core.Audit.Events;
using Nono.Core.Snapshots;

namespace Nono.Action.Session;

/// <summary>What a supervised run records: audit (unless turned off), snapshots (when asked), signing.</summary>
internal sealed record RecordingOptions
{
    /// <summary>nono's state root (<c>$XDG_STATE_HOME/nono</c>).</summary>
    public required string StateRoot { get; init; }

    /// <summary>The command as given (redacted before it is written).</summary>
    public required IReadOnlyList<string> Command { get; init; }

    /// <summary>The command's working directory (relative key references resolve against it).</summary>
    public required string WorkingDirectory { get; init; }

    /// <summary>Values that must never appear in the record (credentials the supervisor holds).</summary>
    public IReadOnlyList<string> Secrets { get; init; } = [];

    public bool Audit { get; init; } = true;

    /// <summary>The session id to use, or null for a fresh one.</summary>
    public string? SessionId { get; init; }

    public string? PolicyDigest { get; init; }

    public string? EnforcementTier { get; init; }

    public int? LandlockAbi { get; init; }

    public string? Kernel { get; init; }

    public RunnerIdentity? Runner { get; init; }

    /// <summary>Named weaker modes in force; each becomes a policy-weakened event.</summary>
    public IReadOnlyList<string> WeakerModes { get; init; } = [];

    /// <summary>Writable roots to snapshot before and after; empty means no snapshots.</summary>
    public IReadOnlyList<string> SnapshotRoots { get; init; } = [];

    public SnapshotOptions SnapshotOptions { get; init; } = new();

    /// <summary>Workspace-relative globs whose changes are violations (workflows, CODEOWNERS, hooks…).</summary>
    public IReadOnlyList<string> ProtectedPaths { get; init; } = [];

    /// <summary>
    /// Action mode: the writable directory grants searched for other checkouts (<see cref="GitControlFiles.ScanDepth"/> deep),
    /// and changed git control files are put back after the run. Null: only the working directory's git directory, detected only.
    /// </summary>
    public IReadOnlyList<string>? GitControlRoots { get; init; }

    /// <summary>Key reference (<c>file://</c> or <c>env://</c>) to sign the session with, or null.</summary>
    public string? SignKey { get; init; }
}
