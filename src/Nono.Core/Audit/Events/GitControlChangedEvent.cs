namespace Nono.Core.Audit.Events;

/// <summary>
/// A file through which a git directory makes git run code (config, hooks, info, commondir, ...) changed during the
/// session. Git run after the session, outside the sandbox, would read it. A separate kind from
/// <see cref="FileChangedEvent"/>: no contents are kept, so no rollback ever acts on it (action mode puts the file back
/// itself at the end of the run and says so in <see cref="Restore"/>).
/// </summary>
public sealed record GitControlChangedEvent : AuditEvent
{
    /// <summary>Path relative to the run's working directory, e.g. <c>.git/config</c>.</summary>
    public required string Path { get; init; }

    /// <summary>Added, modified or deleted.</summary>
    public FileChangeKind Change { get; init; }

    /// <summary>Type, mode, size and SHA-256 (or link target) before; null when absent.</summary>
    public string? Before { get; init; }

    /// <summary>The same after the session; null when absent.</summary>
    public string? After { get; init; }

    /// <summary>What nono did about it at the end of the run (action mode: "restored", "not restored: why"); null when nothing was tried.</summary>
    public string? Restore { get; init; }
}
