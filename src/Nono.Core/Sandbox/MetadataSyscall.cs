namespace Nono.Core.Sandbox;

/// <summary>What a supervised metadata call changes.</summary>
internal enum MetadataChange
{
    /// <summary>chmod and its variants: the mode.</summary>
    Mode,

    /// <summary>chown and its variants: the owner and group.</summary>
    Owner,

    /// <summary>utime(s), futimesat, utimensat: the timestamps (the argument's layout differs, see <see cref="MetadataTimes"/>).</summary>
    Times,

    /// <summary>setxattr and its variants.</summary>
    SetXattr,

    /// <summary>removexattr and its variants.</summary>
    RemoveXattr,

    /// <summary>
    /// ioctl with one of <see cref="MetadataSyscalls.AttributeRequests"/>: the inode flags (chattr), the extended flags
    /// and project id, the generation number.
    /// </summary>
    Attributes,
}

/// <summary>The layout of a timestamp-changing call's times argument.</summary>
internal enum MetadataTimes
{
    /// <summary>Not a times call.</summary>
    None,

    /// <summary>utime: struct utimbuf { actime; modtime } in seconds.</summary>
    Utimbuf,

    /// <summary>utimes, futimesat: struct timeval[2].</summary>
    Timeval,

    /// <summary>utimensat: struct timespec[2] (with UTIME_NOW and UTIME_OMIT).</summary>
    Timespec,
}

/// <summary>How the metadata supervisor reads one call's arguments.</summary>
/// <param name="Name">The syscall's name, for the record.</param>
/// <param name="Change">What it changes.</param>
/// <param name="FdArg">The argument that holds the fd the call acts on (no path) or its path is relative to, or -1 (the working directory).</param>
/// <param name="PathArg">The argument that holds the path pointer, or -1 (the call acts on the fd).</param>
/// <param name="ValueArg">The first argument after the object (mode, uid, times pointer, xattr name pointer).</param>
/// <param name="FlagsArg">The argument that holds AT_* flags, or -1.</param>
/// <param name="NoFollow">The call never follows a final symbolic link (lchown, lsetxattr, lremovexattr).</param>
/// <param name="Times">The times argument's layout.</param>
internal sealed record MetadataSyscall(string Name, MetadataChange Change, int FdArg, int PathArg, int ValueArg, int FlagsArg = -1,
    bool NoFollow = false, MetadataTimes Times = MetadataTimes.None);
