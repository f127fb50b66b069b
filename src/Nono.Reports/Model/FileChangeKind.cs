namespace Nono.Reports.Model;

/// <summary>What happened to a file between the baseline and final snapshot.</summary>
public enum FileChangeKind
{
    /// <summary>The file did not exist before.</summary>
    Created,

    /// <summary>The content changed.</summary>
    Modified,

    /// <summary>The file is gone.</summary>
    Deleted,

    /// <summary>Only the permission bits changed.</summary>
    ModeChanged,
}
