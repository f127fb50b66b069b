namespace Nono.Core.Capabilities;

/// <summary>Filesystem access a grant gives. Read includes execute; write includes create, remove, rename and truncate.</summary>
[Flags]
public enum FsAccess
{
    /// <summary>No access.</summary>
    None = 0,

    /// <summary>Read files and directories, and execute files.</summary>
    Read = 1,

    /// <summary>Write, create, remove, rename and truncate.</summary>
    Write = 2,

    /// <summary>Both read and write.</summary>
    ReadWrite = Read | Write,
}
