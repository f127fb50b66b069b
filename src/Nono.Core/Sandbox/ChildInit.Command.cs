using System.Runtime.CompilerServices;

namespace Nono.Core.Sandbox;

// SAFETY: as ChildInit.cs. Under NativeAOT the command's process is made with vfork (FlagVforkCommand): it shares the init's (or the cgroup relay's) memory and
// stack until its execve or _exit, while that parent is suspended. RunCommand therefore never returns into SpawnCommand's
// frame (which the parent goes on using): every way out of it is execve or _exit. What it writes to shared memory (errno,
// scratch buffers of the ChildContext) the parent does not read afterwards: the parent reads errno only when vfork failed,
// and the relay loop uses none of the command's buffers. Every signal disposition but glibc's internal SIGCANCEL (32) and
// SIGSETXID (33), which its signal() refuses to change, is SIG_DFL by then (ChildProcess reset them). Those two handlers act
// only on a signal glibc sent inside its own process (they check si_pid and si_code, and nothing here cancels a thread or
// calls set*id) and otherwise return at once; a returning handler writes only below the vforked task's stack pointer, under
// the frames of the suspended parent, which stay intact.
internal static unsafe partial class ChildInit
{
    /// <summary>
    /// Starts the command's process, under NativeAOT with vfork: no copy of nono's address space (the parent's page tables,
    /// its copy-on-write faults, the teardown at exec); under the JIT with a raw clone (a copy, like fork, without glibc's
    /// fork handlers). Returns its pid, or -1 with errno; only the parent returns.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int SpawnCommand(ChildContext* c)
    {
        if (c == null)
        {
            return 0;
        }

        // Never glibc's fork: the direct init is a raw clone of a multithreaded nono, where glibc's fork would wait for malloc
        // and stdio locks another thread held at that clone (seen: a JIT-hosted run stuck until the 30 s setup timeout).
        // A raw clone without CLONE_VM is a plain copy, which the JIT's call stubs need (see ChildContext.VFork).
        int command = (c->Flags & ChildContext.FlagVforkCommand) != 0 ? c->VFork() : (int)c->Syscall(c->SysClone, SIGCHLD, 0, 0);
        if (command == 0)
        {
            RunCommand(c);
        }

        return command;
    }

    /// <summary>The vforked command's process: joins the cgroup, starts, confines itself and execs. Never returns.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void RunCommand(ChildContext* c)
    {
        if (c == null)
        {
            return;
        }

        long failure = 0;
        if ((c->Flags & ChildContext.FlagCgroup) != 0)
        {
            // Into the leaf before anything else: whatever the command starts is born there.
            byte zero = (byte)'0';
            if (c->Write(c->CgroupProcsFd, &zero, 1) != 1)
            {
                failure = ((long)*c->ErrnoLocation() << 32) | (uint)ChildStage.CgroupEnter;
            }
        }

        if (failure == 0)
        {
            failure = StartCommand(c);
        }

        if (failure == 0)
        {
            failure = ChildProcess.ConfineCommand(c);
        }

        ChildProcess.ReportAndExit(c, failure);
    }

    /// <summary>The command's side of the fork: dies with its parent, gets a clean signal mask, and no namespace capabilities.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static long StartCommand(ChildContext* c)
    {
        if (c == null)
        {
            return 0;
        }

        int stage = (int)ChildStage.ContainmentForkCommand;
        if (c->Prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0 || c->Sigprocmask(SIG_SETMASK, c->EmptySignalSet, null) != 0)
        {
            goto Fail;
        }

        if ((c->Flags & ChildContext.FlagCgroup) != 0 && c->Getppid() != c->RelayPid)
        {
            stage = (int)ChildStage.ParentGone; // in the PID namespace the kernel ends us with the init instead
            goto Fail;
        }

        if (c->StatusPipe >= 0)
        {
            c->Close(c->StatusPipe);
        }

        // The user namespace made for the PID namespace (or shared with the network one) granted a full set: drop it.
        return (c->Flags & (ChildContext.FlagPidnsUserns | ChildContext.FlagNetns)) != 0 && (c->Flags & ChildContext.FlagPidns) != 0
            ? ChildNetns.DropCapabilities(c)
            : 0;

    Fail:
        return ((long)*c->ErrnoLocation() << 32) | (uint)stage;
    }
}
