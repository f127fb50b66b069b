namespace Nono.Core.Sandbox.Interop;

internal static partial class Interop
{
    /// <summary>
    /// The kernel's Landlock ABI version, or 0 when Landlock is not available (ENOSYS: not built in,
    /// EOPNOTSUPP: disabled at boot).
    /// </summary>
    internal static int LandlockAbiVersion()
    {
        // SAFETY: with a NULL attr and size 0 the VERSION flag reads nothing from user memory.
        nint result = Libc.syscall(SyscallNumbers.landlock_create_ruleset, 0, 0, (nint)Landlock.LANDLOCK_CREATE_RULESET_VERSION);
        return result < 0 ? 0 : (int)result;
    }

    /// <summary>Creates a ruleset handling exactly the given rights; throws on failure.</summary>
    internal static SafeFdHandle LandlockCreateRuleset(ulong handledFs, ulong handledNet, ulong scoped, int abi)
    {
        Landlock.landlock_ruleset_attr attr = new()
        {
            handled_access_fs = handledFs,
            handled_access_net = handledNet,
            scoped = scoped,
        };
        nint fd;
        unsafe
        {
            // SAFETY: attr lives on this stack frame for the whole call; the size passed never exceeds
            // sizeof(landlock_ruleset_attr) (24) and matches the ABI, so the kernel reads only initialized bytes.
            fd = Libc.syscall(SyscallNumbers.landlock_create_ruleset, (nint)(&attr), Landlock.RulesetAttrSize(abi), 0);
        }

        CheckIo(fd, "landlock_create_ruleset");
        return new SafeFdHandle((int)fd);
    }
}
