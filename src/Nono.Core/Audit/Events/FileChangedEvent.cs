namespace Nono.Core.Audit.Events;

/// <summary>A workspace file changed (from the snapshot diff, when snapshots are on).</summary>
public sealed record FileChangedEvent : AuditEvent
{
    /// <summary>The path, relative to the workspace root.</summary>
    public required string Path { get; init; }

    /// <summary>Added, modified or deleted.</summary>
    public FileChangeKind Change { get; init; }

    /// <summary>Content digest before the change, when known.</summary>
    public string? BeforeDigest { get; init; }

    /// <summary>Content digest after the change, when known.</summary>
    public string? AfterDigest { get; init; }

    /// <summary>True when the path is on the policy's protected list (e.g. workflow files, instruction files).</summary>
    public bool Protected { get; init; }
}
