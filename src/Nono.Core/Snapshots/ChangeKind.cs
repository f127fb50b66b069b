namespace Nono.Core.Snapshots;

/// <summary>How an entry differs between two snapshots.</summary>
public enum ChangeKind
{
    /// <summary>Present only in the later snapshot.</summary>
    Created,

    /// <summary>Content, symlink target or type changed (mode may have changed too).</summary>
    Modified,

    /// <summary>Present only in the earlier snapshot.</summary>
    Deleted,

    /// <summary>Only the permission bits changed.</summary>
    ModeChanged,
}
