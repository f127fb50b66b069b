namespace Nono.Core.Snapshots.Native;

/// <summary>The fields of statx this feature uses: type and mode bits, identity, size and times in nanoseconds.</summary>
internal readonly record struct FileStatus(uint Mode, ulong Device, ulong Inode, long Size, long MtimeNs, long CtimeNs)
{
    public uint LinkCount { get; init; }

    public uint Uid { get; init; }

    public uint Gid { get; init; }

    public uint Type => Mode & Interop.S_IFMT;

    public bool IsDirectory => Type == Interop.S_IFDIR;

    public bool IsRegular => Type == Interop.S_IFREG;

    public bool IsSymlink => Type == Interop.S_IFLNK;

    /// <summary>Permission bits including sticky, setuid and setgid (07777).</summary>
    public uint Permissions => Mode & 0xFFF;

    public string KindName => Type switch
    {
        Interop.S_IFDIR => "directory",
        Interop.S_IFREG => "file",
        Interop.S_IFLNK => "symlink",
        Interop.S_IFIFO => "fifo",
        Interop.S_IFSOCK => "socket",
        Interop.S_IFCHR => "char-device",
        Interop.S_IFBLK => "block-device",
        _ => "unknown",
    };
}
