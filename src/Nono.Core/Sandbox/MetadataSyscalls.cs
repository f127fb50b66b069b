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
    /// <summary>setxattrat and removexattrat (unified numbers): refused with ENOSYS wherever metadata is supervised.</summary>
    public static readonly int[] Unsupervised = [463, 466];

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
