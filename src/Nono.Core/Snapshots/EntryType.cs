namespace Nono.Core.Snapshots;

/// <summary>The kinds of tree entries a snapshot records and restore recreates.</summary>
public enum EntryType
{
    /// <summary>A regular file; its content is an object in the store.</summary>
    File,

    /// <summary>A directory.</summary>
    Directory,

    /// <summary>A symbolic link; only its target text is recorded, never followed.</summary>
    Symlink,
}
