using System.Runtime.InteropServices;

namespace Nono.Core.Sandbox;

/// <summary>
/// The calls that change a file's mode, owner, timestamps or extended attributes, per architecture. Landlock has no
/// right for any of them, so in the supervised containments the observer's filter sends each to nono, which performs it
/// only inside a writable grant (<c>SeccompObserver.Metadata.cs</c>). setxattrat and removexattrat (Linux 6.13) take
/// their value behind a struct: the enforcing filter answers them with ENOSYS, and callers fall back to these.
/// </summary>
internal static class MetadataSyscalls
{
    /// <summary>
    /// setxattrat, removexattrat and file_setattr (Linux 6.17; unified numbers, its attributes behind a struct): refused
    /// with ENOSYS wherever metadata is supervised. Callers fall back to setxattr and the FS_IOC_FSSETXATTR ioctl.
    /// </summary>
    public static readonly int[] Unsupervised = [463, 466, 469];

    /// <summary>FS_IOC_SETFLAGS (and its 32-bit number FS_IOC32_SETFLAGS): the int of inode flags chattr sets.</summary>
    public const uint FS_IOC_SETFLAGS = 0x40086602, FS_IOC32_SETFLAGS = 0x40046602;

    /// <summary>FS_IOC_FSSETXATTR: struct fsxattr (28 bytes: extended flags, extent sizes, project id).</summary>
    public const uint FS_IOC_FSSETXATTR = 0x401c5820;

    /// <summary>FS_IOC_SETVERSION (and FS_IOC32_SETVERSION): the int generation number.</summary>
    public const uint FS_IOC_SETVERSION = 0x40087602, FS_IOC32_SETVERSION = 0x40047602;

    /// <summary>FS_IOC_ENABLE_VERITY: makes the file read-only for good; its argument holds pointers of its own.</summary>
    public const uint FS_IOC_ENABLE_VERITY = 0x40806685;

    /// <summary>
    /// The ioctl requests that change a file's attributes (review of session 12): the observer's filter sends ioctl to
    /// nono only with one of these in the low word of the request argument (the kernel's <c>unsigned int cmd</c>); every
    /// other ioctl passes untouched.
    /// </summary>
    public static readonly uint[] AttributeRequests =
        [FS_IOC_SETFLAGS, FS_IOC32_SETFLAGS, FS_IOC_FSSETXATTR, FS_IOC_SETVERSION, FS_IOC32_SETVERSION, FS_IOC_ENABLE_VERITY];

    /// <summary>How the supervisor reads an attribute ioctl: the descriptor, then the request, then the argument pointer.</summary>
    public static MetadataSyscall AttributeIoctl { get; } = new("ioctl", MetadataChange.Attributes, 0, -1, 1);

    /// <summary>ioctl's number on the running architecture.</summary>
    public static int IoctlNumber => RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 29 : 16;

    /// <summary>The supervised call for a notification's syscall number, or null.</summary>
    public static MetadataSyscall? Find(int number) =>
        number == IoctlNumber ? AttributeIoctl : Current.GetValueOrDefault(number);

    private static readonly Dictionary<int, MetadataSyscall> s_x64 = new()
    {
        [90] = new("chmod", MetadataChange.Mode, -1, 0, 1),
        [91] = new("fchmod", MetadataChange.Mode, 0, -1, 1),
        [268] = new("fchmodat", MetadataChange.Mode, 0, 1, 2),
        [452] = new("fchmodat2", MetadataChange.Mode, 0, 1, 2, FlagsArg: 3),
        [92] = new("chown", MetadataChange.Owner, -1, 0, 1),
        [93] = new("fchown", MetadataChange.Owner, 0, -1, 1),
        [94] = new("lchown", MetadataChange.Owner, -1, 0, 1, NoFollow: true),
        [260] = new("fchownat", MetadataChange.Owner, 0, 1, 2, FlagsArg: 4),
        [132] = new("utime", MetadataChange.Times, -1, 0, 1, Times: MetadataTimes.Utimbuf),
        [235] = new("utimes", MetadataChange.Times, -1, 0, 1, Times: MetadataTimes.Timeval),
        [261] = new("futimesat", MetadataChange.Times, 0, 1, 2, Times: MetadataTimes.Timeval),
        [280] = new("utimensat", MetadataChange.Times, 0, 1, 2, FlagsArg: 3, Times: MetadataTimes.Timespec),
        [188] = new("setxattr", MetadataChange.SetXattr, -1, 0, 1),
        [189] = new("lsetxattr", MetadataChange.SetXattr, -1, 0, 1, NoFollow: true),
        [190] = new("fsetxattr", MetadataChange.SetXattr, 0, -1, 1),
        [197] = new("removexattr", MetadataChange.RemoveXattr, -1, 0, 1),
        [198] = new("lremovexattr", MetadataChange.RemoveXattr, -1, 0, 1, NoFollow: true),
        [199] = new("fremovexattr", MetadataChange.RemoveXattr, 0, -1, 1),
    };

    // arm64 (asm-generic): no legacy path calls.
    private static readonly Dictionary<int, MetadataSyscall> s_arm64 = new()
    {
        [52] = new("fchmod", MetadataChange.Mode, 0, -1, 1),
        [53] = new("fchmodat", MetadataChange.Mode, 0, 1, 2),
        [452] = new("fchmodat2", MetadataChange.Mode, 0, 1, 2, FlagsArg: 3),
        [55] = new("fchown", MetadataChange.Owner, 0, -1, 1),
        [54] = new("fchownat", MetadataChange.Owner, 0, 1, 2, FlagsArg: 4),
        [88] = new("utimensat", MetadataChange.Times, 0, 1, 2, FlagsArg: 3, Times: MetadataTimes.Timespec),
        [5] = new("setxattr", MetadataChange.SetXattr, -1, 0, 1),
        [6] = new("lsetxattr", MetadataChange.SetXattr, -1, 0, 1, NoFollow: true),
        [7] = new("fsetxattr", MetadataChange.SetXattr, 0, -1, 1),
        [14] = new("removexattr", MetadataChange.RemoveXattr, -1, 0, 1),
        [15] = new("lremovexattr", MetadataChange.RemoveXattr, -1, 0, 1, NoFollow: true),
        [16] = new("fremovexattr", MetadataChange.RemoveXattr, 0, -1, 1),
    };

    /// <summary>The supervised calls of the running architecture, by number.</summary>
    public static IReadOnlyDictionary<int, MetadataSyscall> Current => RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? s_arm64 : s_x64;
}
