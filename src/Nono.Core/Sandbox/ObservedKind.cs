namespace Nono.Core.Sandbox;

/// <summary>What an observed syscall does to its path, which decides the access the policy is asked about.</summary>
internal enum ObservedKind
{
    /// <summary>open/openat/openat2: read, write or both depending on the flags.</summary>
    Open,

    /// <summary>openat2: as <see cref="Open"/>, the flags live in struct open_how.</summary>
    Open2,

    /// <summary>creat, mkdir, mknod, symlink, link target, rename target: a new entry in the parent directory.</summary>
    Create,

    /// <summary>unlink, rmdir, rename source, truncate: a change to an existing entry.</summary>
    Modify,

    /// <summary>execve/execveat: the file is executed (the read grant covers execution).</summary>
    Execute,
}
