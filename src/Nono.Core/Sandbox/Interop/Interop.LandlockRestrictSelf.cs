namespace Nono.Core.Sandbox.Interop;

internal static partial class Interop
{
    /// <summary>
    /// Confines the calling thread (and what it later forks or execs). Only ever called on a thread that
    /// execs right after (wrap); the supervised launcher does this in the forked child instead.
    /// </summary>
    internal static void LandlockRestrictSelf(SafeFdHandle ruleset)
    {
        bool added = false;
        try
        {
            ruleset.DangerousAddRef(ref added);
            CheckIo(Libc.syscall(SyscallNumbers.landlock_restrict_self, ruleset.Fd, 0, 0), "landlock_restrict_self");
        }
        finally
        {
            if (added)
            {
                ruleset.DangerousRelease();
            }
        }
    }
}
