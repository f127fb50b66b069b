namespace Nono.Core.Sandbox.Interop;

internal static partial class Interop
{
    /// <summary>Adds a path-beneath rule for the file or directory <paramref name="pathFd"/> refers to.</summary>
    internal static void LandlockAddPathRule(SafeFdHandle ruleset, SafeFdHandle pathFd, ulong allowed, string path)
    {
        bool addedRuleset = false, addedPath = false;
        try
        {
            ruleset.DangerousAddRef(ref addedRuleset);
            pathFd.DangerousAddRef(ref addedPath);
            Landlock.landlock_path_beneath_attr attr = new() { allowed_access = allowed, parent_fd = pathFd.Fd };
            nint result;
            unsafe
            {
                // SAFETY: attr is a packed 12-byte struct on this frame, alive for the call; both fds are
                // kept open by the AddRef above.
                result = Libc.syscall(SyscallNumbers.landlock_add_rule, ruleset.Fd, Landlock.LANDLOCK_RULE_PATH_BENEATH, (nint)(&attr), 0);
            }

            CheckIo(result, "landlock_add_rule", path);
        }
        finally
        {
            if (addedPath)
            {
                pathFd.DangerousRelease();
            }

            if (addedRuleset)
            {
                ruleset.DangerousRelease();
            }
        }
    }

    /// <summary>Adds a TCP port rule (ABI 4+).</summary>
    internal static void LandlockAddNetRule(SafeFdHandle ruleset, ulong allowed, int port)
    {
        bool added = false;
        try
        {
            ruleset.DangerousAddRef(ref added);
            Landlock.landlock_net_port_attr attr = new() { allowed_access = allowed, port = (ulong)port };
            nint result;
            unsafe
            {
                // SAFETY: attr is a 16-byte struct on this frame, alive for the call.
                result = Libc.syscall(SyscallNumbers.landlock_add_rule, ruleset.Fd, Landlock.LANDLOCK_RULE_NET_PORT, (nint)(&attr), 0);
            }

            CheckIo(result, "landlock_add_rule", $"tcp port {port}");
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
