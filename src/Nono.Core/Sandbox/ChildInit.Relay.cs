using System.Runtime.CompilerServices;

namespace Nono.Core.Sandbox;

// SAFETY: as ChildInit.cs: only the prepared ChildContext and libc through its function pointers, in a forked child.
internal static unsafe partial class ChildInit
{
    /// <summary>siginfo_t: int si_signo, si_errno, si_code.</summary>
    private const int SiCodeIndex = 2;

    /// <summary>
    /// The cgroup relay's and the init's loop: forwards the usual termination and job signals to <paramref name="target"/>,
    /// reaps every child, and when <paramref name="target"/> ends reports its raw wait status on the status pipe and exits
    /// with its shell exit code. Never returns.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Relay(ChildContext* c, int target)
    {
        if (c == null)
        {
            return;
        }

        while (true)
        {
            int signal = c->Sigwaitinfo(c->FullSignalSet, c->SignalInfo);
            if (signal == SIGCHLD)
            {
                bool ended = false;
                int status = 0;
                int reaped;
                while ((reaped = c->Waitpid(-1, &c->WaitStatus, WNOHANG)) > 0)
                {
                    if (reaped == target)
                    {
                        ended = true;
                        status = c->WaitStatus;
                    }
                }

                if (ended)
                {
                    c->Write(c->StatusPipe, &status, sizeof(int));

                    c->Exit((status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f));
                }
            }
            else if (signal == RelayDeathSignal && (c->Flags & ChildContext.FlagCgroup) != 0 && c->Getppid() != c->ParentPid)
            {
                // nono is gone: end the whole leaf, then remove it (retried while the killed processes exit).
                byte one = (byte)'1';
                c->Write(c->CgroupKillFd, &one, 1);
                for (int attempt = 0; attempt < 400 && c->Rmdir(c->CgroupPath) != 0; attempt++)
                {
                    c->Usleep(5_000);
                }

                c->Exit(128 + SIGKILL);
            }
            else if ((signal is 1 or 2 or 3 or 10 or 12 or 15 or 28) && ((int*)c->SignalInfo)[SiCodeIndex] <= 0)
            {
                // HUP INT QUIT USR1 USR2 TERM WINCH sent by a process (si_code SI_USER, SI_QUEUE, SI_TKILL: nono's
                // forwarding). Not the terminal's (SI_KERNEL): it signals the whole foreground process group, command included.
                c->Kill(target, signal);
            }
        }
    }

    /// <summary>
    /// The init needs no capability (kill of a same-uid child, waitpid, write): they drop them
    /// all. The cgroup relay keeps them: removing the leaf from nono's cgroup directory (mode 0555 at the root of the
    /// hierarchy) takes CAP_DAC_OVERRIDE, and it holds no more than the supervisor it was forked from.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Harden(ChildContext* c)
    {
        if (c == null)
        {
            return;
        }

        if ((c->Flags & ChildContext.FlagCgroup) == 0)
        {
            _ = ChildNetns.DropCapabilities(c);
        }

        _ = c->Prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    }

    /// <summary>Closes every descriptor except the given ones (-1: none).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void CloseAllExcept(ChildContext* c, int a, int b, int d)
    {
        if (c == null)
        {
            return;
        }

        int next = 0;
        for (int round = 0; round < 3; round++)
        {
            // The smallest kept descriptor not yet passed.
            int keep = int.MaxValue;
            if (a >= next && a < keep)
            {
                keep = a;
            }

            if (b >= next && b < keep)
            {
                keep = b;
            }

            if (d >= next && d < keep)
            {
                keep = d;
            }

            if (keep == int.MaxValue)
            {
                break;
            }

            if (keep > next)
            {
                c->Syscall(c->SysCloseRange, next, keep - 1, 0);
            }

            next = keep + 1;
        }

        c->Syscall(c->SysCloseRange, next, unchecked((nint)uint.MaxValue), 0);
    }

    /// <summary>
    /// Landlock path rules bind to the inode they were opened on: the rules at or under /proc and /dev/pts that the supervisor
    /// added name the host's instances, now hidden under the init's mounts (Landlock does not look at a covered mount point).
    /// Adds the same rules for the new mounts (a path gone there is skipped: the host's /dev/pts/N is not in the new devpts).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static bool AddMountRules(ChildContext* c)
    {
        if (c == null || (c->Flags & ChildContext.FlagLandlock) == 0)
        {
            return true;
        }

        for (int i = 0; i < c->MountRuleCount; i++)
        {
            int fd = c->Open(c->MountRulePaths[i], O_PATH | O_CLOEXEC, 0);
            if (fd < 0)
            {
                if (*c->ErrnoLocation() == ENOENT)
                {
                    continue;
                }

                return false;
            }

            *(ulong*)c->RuleAttr = c->MountRuleAccess[i];
            *(int*)((byte*)c->RuleAttr + sizeof(ulong)) = fd;
            nint added = c->Syscall4(c->SysLandlockAddRule, c->RulesetFd, LANDLOCK_RULE_PATH_BENEATH, (nint)c->RuleAttr, 0);
            int saved = *c->ErrnoLocation();
            c->Close(fd);
            *c->ErrnoLocation() = saved;
            if (added != 0)
            {
                return false;
            }
        }

        return true;
    }
}
