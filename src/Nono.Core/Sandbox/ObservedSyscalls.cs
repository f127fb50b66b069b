using System.Runtime.InteropServices;
using static Nono.Core.Sandbox.Interop.Interop.Seccomp;
using static Nono.Core.Sandbox.Interop.Interop.SeccompNotify;

namespace Nono.Core.Sandbox;

/// <summary>
/// The path syscalls the filesystem observer is notified of, per architecture, and the classic-BPF program that
/// sends exactly those to the listener. The program never denies anything: every other call (and every foreign
/// architecture, which the enforcing filter kills) is allowed by this filter.
/// </summary>
internal static class ObservedSyscalls
{
    private const int AtFdCwd = -1;

    // x86_64 (arch/x86/entry/syscalls/syscall_64.tbl): the legacy path calls exist besides the *at ones.
    private static readonly Dictionary<int, ObservedSyscall> s_x64 = new()
    {
        [2] = new("open", ObservedKind.Open, 0, AtFdCwd, 1),
        [257] = new("openat", ObservedKind.Open, 1, 0, 2),
        [437] = new("openat2", ObservedKind.Open2, 1, 0, 2),
        [85] = new("creat", ObservedKind.Create, 0, AtFdCwd, -1),
        [83] = new("mkdir", ObservedKind.Create, 0, AtFdCwd, -1),
        [258] = new("mkdirat", ObservedKind.Create, 1, 0, -1),
        [133] = new("mknod", ObservedKind.Create, 0, AtFdCwd, -1),
        [259] = new("mknodat", ObservedKind.Create, 1, 0, -1),
        [88] = new("symlink", ObservedKind.Create, 1, AtFdCwd, -1),
        [266] = new("symlinkat", ObservedKind.Create, 2, 1, -1),
        [86] = new("link", ObservedKind.Create, 1, AtFdCwd, -1),
        [265] = new("linkat", ObservedKind.Create, 3, 2, -1),
        [84] = new("rmdir", ObservedKind.Modify, 0, AtFdCwd, -1),
        [87] = new("unlink", ObservedKind.Modify, 0, AtFdCwd, -1),
        [263] = new("unlinkat", ObservedKind.Modify, 1, 0, -1),
        [82] = new("rename", ObservedKind.Modify, 0, AtFdCwd, -1),
        [264] = new("renameat", ObservedKind.Modify, 1, 0, -1),
        [316] = new("renameat2", ObservedKind.Modify, 1, 0, -1),
        [76] = new("truncate", ObservedKind.Modify, 0, AtFdCwd, -1),
        [59] = new("execve", ObservedKind.Execute, 0, AtFdCwd, -1),
        [322] = new("execveat", ObservedKind.Execute, 1, 0, -1),
    };

    // arm64 (include/uapi/asm-generic/unistd.h): only the *at calls exist.
    private static readonly Dictionary<int, ObservedSyscall> s_arm64 = new()
    {
        [56] = new("openat", ObservedKind.Open, 1, 0, 2),
        [437] = new("openat2", ObservedKind.Open2, 1, 0, 2),
        [34] = new("mkdirat", ObservedKind.Create, 1, 0, -1),
        [33] = new("mknodat", ObservedKind.Create, 1, 0, -1),
        [36] = new("symlinkat", ObservedKind.Create, 2, 1, -1),
        [37] = new("linkat", ObservedKind.Create, 3, 2, -1),
        [35] = new("unlinkat", ObservedKind.Modify, 1, 0, -1),
        [38] = new("renameat", ObservedKind.Modify, 1, 0, -1),
        [276] = new("renameat2", ObservedKind.Modify, 1, 0, -1),
        [45] = new("truncate", ObservedKind.Modify, 0, AtFdCwd, -1),
        [221] = new("execve", ObservedKind.Execute, 0, AtFdCwd, -1),
        [281] = new("execveat", ObservedKind.Execute, 1, 0, -1),
    };

    /// <summary>No path calls: an observer of network refusals only.</summary>
    public static IReadOnlyDictionary<int, ObservedSyscall> None { get; } = new Dictionary<int, ObservedSyscall>();

    /// <summary>The observed calls of the running architecture, by number.</summary>
    public static IReadOnlyDictionary<int, ObservedSyscall> Current => RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? s_arm64 : s_x64;

    /// <summary>
    /// The notify-only program for <paramref name="auditArch"/> and <paramref name="calls"/> (path calls, answered with
    /// CONTINUE). With <paramref name="network"/> it also notifies the network calls the enforcing filter then defers
    /// (<see cref="NetworkRefusals"/>), which the supervisor always answers with an error. With <paramref name="metadata"/>
    /// it notifies the mode, owner, time and xattr calls (<see cref="MetadataSyscalls"/>), which the supervisor performs or
    /// refuses itself, never CONTINUE.
    /// </summary>
    public static sock_filter[] BuildFilter(uint auditArch, IReadOnlyDictionary<int, ObservedSyscall> calls, RecordedNetwork? network = null, bool metadata = false)
    {
        List<sock_filter> p = [];
        p.Add(SeccompFilterBuilder.Load(OffsetArch));
        p.Add(SeccompFilterBuilder.Jeq(auditArch, 1, 0));
        p.Add(SeccompFilterBuilder.Ret(SECCOMP_RET_ALLOW)); // the enforcing filter kills foreign architectures
        p.Add(SeccompFilterBuilder.Load(OffsetNr));
        if (network is not null)
        {
            NetworkRefusals.EmitRecording(p, network.Arch, network.Mode, network.NamespaceDatagrams, network.ConnectPorts is not null, network.GuardListens);
        }

        if (metadata)
        {
            EmitAttributeIoctls(p);
        }

        foreach (int number in calls.Keys.Concat(metadata ? MetadataSyscalls.Current.Keys : []).Order())
        {
            p.Add(SeccompFilterBuilder.Jeq((uint)number, 0, 1));
            p.Add(SeccompFilterBuilder.Ret(SECCOMP_RET_USER_NOTIF));
        }

        p.Add(SeccompFilterBuilder.Ret(SECCOMP_RET_ALLOW));
        return [.. p];
    }

    /// <summary>
    /// ioctl with one of <see cref="MetadataSyscalls.AttributeRequests"/> (low word of the request) goes to nono; any other
    /// ioctl is allowed here. Leaves the syscall number in A for the calls after it.
    /// </summary>
    private static void EmitAttributeIoctls(List<sock_filter> p)
    {
        uint[] requests = MetadataSyscalls.AttributeRequests;
        int n = requests.Length;
        p.Add(SeccompFilterBuilder.Jeq((uint)MetadataSyscalls.IoctlNumber, 0, (byte)(n + 3)));
        p.Add(SeccompFilterBuilder.Load(OffsetArgLow(1)));
        for (int i = 0; i < n; i++)
        {
            p.Add(SeccompFilterBuilder.Jeq(requests[i], (byte)(n - i), 0));
        }

        p.Add(SeccompFilterBuilder.Ret(SECCOMP_RET_ALLOW));
        p.Add(SeccompFilterBuilder.Ret(SECCOMP_RET_USER_NOTIF));
    }
}
