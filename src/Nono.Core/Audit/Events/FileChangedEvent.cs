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

    /// <summary>Size in bytes before the change, when a regular file.</summary>
    public long? BeforeSize { get; init; }

    /// <summary>Size in bytes after the change, when a regular file.</summary>
    public long? AfterSize { get; init; }

    /// <summary>Entry type before (<c>file</c>, <c>directory</c>, <c>symlink</c>), null when added.</summary>
    public string? BeforeType { get; init; }

    /// <summary>Entry type after, null when deleted.</summary>
    public string? AfterType { get; init; }

    /// <summary>Permission bits before, null when added.</summary>
    public uint? BeforeMode { get; init; }

    /// <summary>Permission bits after, null when deleted.</summary>
    public uint? AfterMode { get; init; }

    /// <summary>The snapshot root <see cref="Path"/> is relative to (absolute, on the machine that ran the session).</summary>
    public string? Root { get; init; }

    /// <summary>True when the path is on the policy's protected list (e.g. workflow files, instruction files).</summary>
    public bool Protected { get; init; }
}
