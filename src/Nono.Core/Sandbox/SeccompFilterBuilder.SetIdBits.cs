using Nono.Core.Sandbox.Interop;
using static Nono.Core.Sandbox.Interop.Interop.Seccomp;

namespace Nono.Core.Sandbox;

internal static partial class SeccompFilterBuilder
{
    /// <summary>
    /// S_ISUID. S_ISGID is not refused: seccomp cannot tell a directory from a file, and tools pass a setgid directory's
    /// bit back on every chmod (GNU chmod keeps it even for numeric modes; git --shared=group sets it on purpose), so
    /// refusing it broke ordinary chmods (review of session 10). A setgid file gains only the owner's group.
    /// </summary>
    internal const uint SetIdBits = 0x800;

    private const uint O_CREAT = 0x40;
    private const uint O_TMPFILE_BIT = 0x400000; // __O_TMPFILE, the same on x86_64 and aarch64

    /// <summary>
    /// Landlock has no right for a file's mode, and a capability-less root still owns every root-owned file: a sandboxed
    /// root could make any of them setuid (another local user then runs it as root), and any user could leave a
    /// set-user-ID copy of itself for others (review of session 10). So the set-user-ID bit is refused wherever a mode
    /// is given: chmod, fchmod, fchmodat, fchmodat2, mknod(at), and open/openat/creat that create. openat2 hides its mode
    /// behind a pointer: ENOSYS, which makes callers fall back to openat. The rest of chmod (modes without the set-ID
    /// bits) stays open: a path-checked chmod needs the supervisor (not done). Leaves the syscall number in A.
    /// </summary>
    private static void EmitSetIdModes(List<sock_filter> p, ArchSyscalls arch)
    {
        EmitModeCheck(p, arch.chmod, modeArgument: 1);
        EmitModeCheck(p, arch.fchmod, modeArgument: 1);
        EmitModeCheck(p, arch.fchmodat, modeArgument: 2);
        EmitModeCheck(p, Interop.Interop.SyscallNumbers.fchmodat2, modeArgument: 2);
        EmitModeCheck(p, arch.mknod, modeArgument: 1);
        EmitModeCheck(p, arch.mknodat, modeArgument: 2);
        EmitModeCheck(p, arch.creat, modeArgument: 1);
        EmitCreatingOpen(p, arch.open, flagsArgument: 1, modeArgument: 2);
        EmitCreatingOpen(p, arch.openat, flagsArgument: 2, modeArgument: 3);
        p.Add(Jeq(Interop.Interop.SyscallNumbers.openat2, 0, 1));
        p.Add(Ret(SECCOMP_RET_ERRNO | ENOSYS));
    }

    private static void EmitModeCheck(List<sock_filter> p, int number, int modeArgument) => EmitArgumentBits(p, number, modeArgument, SetIdBits);

    private static void EmitCreatingOpen(List<sock_filter> p, int number, int flagsArgument, int modeArgument)
    {
        if (number < 0)
        {
            return;
        }

        p.Add(Jeq((uint)number, 0, 6));
        p.Add(Load(OffsetArgLow(flagsArgument)));
        p.Add(new sock_filter { code = BPF_JMP_JSET_K, jt = 0, jf = 3, k = O_CREAT | O_TMPFILE_BIT });
        p.Add(Load(OffsetArgLow(modeArgument)));
        p.Add(new sock_filter { code = BPF_JMP_JSET_K, jt = 0, jf = 1, k = SetIdBits });
        p.Add(Ret(SECCOMP_RET_ERRNO | EPERM));
        p.Add(Load(OffsetNr));
    }
}
