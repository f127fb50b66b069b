namespace Nono.Core.Audit.Events;

/// <summary>
/// Something changed inside a path the snapshots exclude (<c>bin</c>, <c>node_modules</c>, a user pattern, ...), seen
/// only through the metadata of its entries (name, type, mode, owner, size, mtime, ctime, inode): which files and what
/// content are not recorded, and no rollback acts on it. Committed files under such a path are covered at this level only.
/// </summary>
public sealed record ExcludedPathChangedEvent : AuditEvent
{
    /// <summary>The path relative to its snapshot root, e.g. <c>bin</c> or <c>lib/target</c>.</summary>
    public required string Path { get; init; }

    /// <summary>Added, modified or deleted.</summary>
    public FileChangeKind Change { get; init; }

    /// <summary>Entries under the path before (the path itself included); null when it did not exist.</summary>
    public long? EntriesBefore { get; init; }

    /// <summary>Entries under the path after; null when it no longer exists.</summary>
    public long? EntriesAfter { get; init; }

    /// <summary>The snapshot root the path is relative to.</summary>
    public string? Root { get; init; }

    /// <summary>False when a walk stopped at its budget: the path is reported whatever its digest, and is not fully covered.</summary>
    public bool Complete { get; init; } = true;
}
