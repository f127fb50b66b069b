using Nono.Core.Sandbox.Interop;
using static Nono.Core.Sandbox.Interop.Interop.Seccomp;

namespace Nono.Core.Sandbox;

internal static partial class SeccompFilterBuilder
{
    private const int EACCES = 13;
    private const int ENOSYS = 38;

    /// <summary>
    /// Access mode 3 (O_WRONLY|O_RDWR) opens a file for ioctl only: the kernel gives the descriptor neither read nor
    /// write mode, so Landlock's open check asks for no right and lets it open ANY path, granted or not. Before ABI 5
    /// nothing checks the ioctl either: every device node the user may open (as root: every disk, with SG_IO and NVMe
    /// passthrough) would take ioctls past the policy. Refused with EACCES (Landlock's errno), so device ioctls stay
    /// limited to devices the grants open. openat2 hides its flags behind a pointer seccomp cannot read: ENOSYS (from
    /// <see cref="EmitSetIdModes"/>, which every filter has), which makes callers fall back to openat. Leaves the syscall number in A.
    /// </summary>
    private static void EmitIoctlOnlyOpens(List<sock_filter> p, ArchSyscalls arch)
    {
        if (arch.open >= 0)
        {
            EmitAccessModeThree(p, arch.open, flagsArgument: 1);
        }

        EmitAccessModeThree(p, arch.openat, flagsArgument: 2);
        // openat2 (flags behind a pointer) gets ENOSYS in every filter: EmitSetIdModes.
    }

    private static void EmitAccessModeThree(List<sock_filter> p, int number, int flagsArgument)
    {
        p.Add(Jeq((uint)number, 0, 5));
        p.Add(Load(OffsetArgLow(flagsArgument)));
        p.Add(new sock_filter { code = BPF_JMP_JSET_K, jt = 0, jf = 2, k = 1 });
        p.Add(new sock_filter { code = BPF_JMP_JSET_K, jt = 0, jf = 1, k = 2 });
        p.Add(Ret(SECCOMP_RET_ERRNO | EACCES));
        p.Add(Load(OffsetNr));
    }
}
