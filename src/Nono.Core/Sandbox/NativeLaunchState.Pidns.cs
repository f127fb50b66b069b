using Nono.Core.Sandbox.Interop;

namespace Nono.Core.Sandbox;

// SAFETY: as NativeLaunchState.cs: every buffer comes from _memory (zeroed, freed only in Dispose, after the forks), each
// with the size ChildInit reads (sigset_t and siginfo_t 128 bytes each, landlock_path_beneath_attr 12 bytes rounded to 16, one path and one
// access per /proc or /dev/pts rule).
internal sealed unsafe partial class NativeLaunchState
{
    private const int SIGCHLD = 17;
    private const int CLONE_NEWNS = 0x00020000;
    private const int CLONE_NEWIPC = 0x08000000;
    private const int CLONE_NEWUSER = 0x10000000;
    private const int CLONE_NEWPID = 0x20000000;

    private readonly List<IDisposable> _owned = [];
    private SafeFdHandle? _statusRead;

    /// <summary>A context for <see cref="SandboxLauncher.ProbePidNamespace"/>: the containment steps up to mounting /proc and /dev/pts, then stop.</summary>
    private NativeLaunchState(bool pidnsProbe)
    {
        try
        {
            Context = ProbeContext(pidnsProbe ? ChildContext.FlagPidnsProbe : 0);
            PrepareContainment(ProcessContainment.PidNamespace, [], [], ownSession: false);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>A supervised context with no command, stdio or ruleset, for a probe child that only runs the probed steps.</summary>
    private ChildContext* ProbeContext(int probeFlag)
    {
        ChildContext* c = (ChildContext*)_memory.Allocate((nuint)sizeof(ChildContext));
        LibcFunctions.Fill(c);
        c->Flags = ChildContext.FlagSupervised | probeFlag;
        c->ParentPid = Environment.ProcessId;
        c->ErrorPipe = -1;
        c->RulesetFd = -1;
        c->StdinFd = -1;
        c->StdoutFd = -1;
        c->StderrFd = -1;
        c->EmptySignalSet = _memory.Allocate(128);
        return c;
    }

    /// <summary>Whether the command's wait status comes over the status pipe (the relay is not the command).</summary>
    public bool ReportsStatus => (Context->Flags & (ChildContext.FlagPidns | ChildContext.FlagCgroup)) != 0;

    public static NativeLaunchState ForPidnsProbe() => new(pidnsProbe: true);

    /// <summary>
    /// For one fork attempt: a new status pipe whose write end goes to the child (returned, to close after the fork) and
    /// whose read end the state keeps for <see cref="TakeStatusReader"/>. Null when the plan reports no status.
    /// </summary>
    public SafeFdHandle? OpenStatusPipe()
    {
        if (!ReportsStatus)
        {
            return null;
        }

        (SafeFdHandle read, SafeFdHandle write) = Interop.Interop.Pipe();
        _statusRead?.Dispose();
        _statusRead = read;
        Context->StatusPipe = write.Fd;
        return write;
    }

    /// <summary>The read end of the last attempt's status pipe; the caller owns it.</summary>
    public SafeFdHandle? TakeStatusReader()
    {
        SafeFdHandle? read = _statusRead;
        _statusRead = null;
        return read;
    }

    /// <summary>Hands the child the cgroup leaf's <c>cgroup.procs</c> and <c>cgroup.kill</c> (cgroup tier).</summary>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void AttachCgroup(CgroupLeaf leaf)
    {
        ArgumentNullException.ThrowIfNull(leaf);
        if ((Context->Flags & ChildContext.FlagCgroup) == 0)
        {
            throw new InvalidOperationException("a cgroup leaf for a plan without the cgroup tier");
        }

        Microsoft.Win32.SafeHandles.SafeFileHandle procs = leaf.OpenProcs();
        _owned.Add(procs);
        Microsoft.Win32.SafeHandles.SafeFileHandle kill = leaf.OpenKill();
        _owned.Add(kill);
        Context->CgroupProcsFd = Keep(procs);
        Context->CgroupKillFd = Keep(kill);
        Context->CgroupPath = _memory.String(leaf.Path);
    }

    /// <summary>Prepares the buffers <see cref="ChildInit"/> needs for <paramref name="containment"/>.</summary>
    private void PrepareContainment(ProcessContainment containment, IReadOnlyList<LandlockPathRule> rules, IReadOnlyList<HostMount> planned, bool ownSession, Dictionary<string, FileIdentity>? granted = null)
    {
        ChildContext* c = Context;
        c->StatusPipe = -1;
        c->CgroupProcsFd = -1;
        c->CgroupKillFd = -1;
        if (containment == ProcessContainment.DirectChild)
        {
            return;
        }

        byte* full = (byte*)_memory.Allocate(128);
        new Span<byte>(full, 128).Fill(0xff);
        c->FullSignalSet = full;
        c->SignalInfo = _memory.Allocate(128);
        PrepareUserNamespace(); // the relay and the init drop capabilities with these buffers, namespace or not
        if (!System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeCompiled)
        {
            c->Flags |= ChildContext.FlagVforkCommand; // see ChildContext.VFork
        }

        if (containment == ProcessContainment.Cgroup)
        {
            c->Flags |= ChildContext.FlagCgroup;
            return;
        }

        // No relay: the supervisor clones the init into the namespaces, and the init checks nono's pid in /proc/self/status.
        // Unprivileged, it needs a user namespace; with the network tier it has one (PrepareNetns), whose maps ChildNetns writes.
        c->Flags |= ChildContext.FlagPidns | ChildContext.FlagPidnsDirect | (ownSession ? ChildContext.FlagPidnsSession : 0);
        if ((c->Flags & ChildContext.FlagNetns) == 0 && Interop.Interop.GetUid() != 0)
        {
            c->Flags |= ChildContext.FlagPidnsUserns;
            c->CloneFlags |= CLONE_NEWUSER;
        }

        // A private IPC namespace too: System V shared memory, semaphores and message queues (and POSIX message
        // queues) of the host's processes are out of reach; Landlock does not cover them.
        c->CloneFlags |= SIGCHLD | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC;
        c->StatusPath = _memory.String("/proc/self/status");
        c->StatusBuffer = (byte*)_memory.Allocate(ChildContext.StatusBufferBytes);

        c->RootPath = _memory.String("/");
        c->ProcPath = _memory.String("/proc");
        c->ProcType = _memory.String("proc");
        c->DevptsPath = _memory.String(SandboxPath.DevPts);
        c->DevptsType = _memory.String("devpts");
        c->DevptsOptions = _memory.String("newinstance,ptmxmode=0666,mode=0620");
        c->RuleAttr = _memory.Allocate(16);
        c->DevPath = _memory.String("/dev");
        c->MountAttr = (ulong*)_memory.Allocate(32);
        // Plain loops rather than LINQ: a Select chained on a Where is a generic virtual call that NativeAOT resolves through
        // its type loader on first use, a measurable share of every launch (docs/notes/s14-launch.md).
        List<string> deviceMounts = [];
        foreach (LandlockPathRule rule in rules)
        {
            if (IsGrantedDeviceMount(rule))
            {
                deviceMounts.Add(rule.Path);
            }
        }

        c->DeviceMountCount = deviceMounts.Count;
        c->DeviceMountPaths = _memory.Array(deviceMounts);
        granted = GrantIdentities(rules, granted);
        WritableMounts writable = WritableMounts.For(GrantedRules(rules, granted), rules.Count == 0 ? [] : planned.Count > 0 ? planned : HostMount.ReadSelf());
        PrepareGrantBinds(writable.Binds, granted);
        c->WritableMountCount = writable.Writable.Count;
        c->WritableMountPaths = _memory.Array(writable.Writable);
        if (writable.PrivateShm)
        {
            c->Flags |= ChildContext.FlagPidnsPrivateShm;
            c->ShmPath = _memory.String(WritableMounts.Shm);
            c->ShmType = _memory.String("tmpfs");
            c->ShmOptions = _memory.String("mode=1777");
        }

        List<string> procPaths = [];
        List<LandlockFs> procAccess = [];
        foreach (LandlockPathRule rule in rules)
        {
            if (IsUnderProc(rule.Path) && !SandboxPlanner.IsPerProcessProcPath(rule.Path) || SandboxPath.IsSameOrAncestor(SandboxPath.DevPts, rule.Path)
                || (writable.PrivateShm && SandboxPath.IsSameOrAncestor(WritableMounts.Shm, rule.Path)))
            {
                procPaths.Add(rule.Path);
                procAccess.Add(rule.Access);
            }
        }

        c->MountRuleCount = procPaths.Count;
        c->MountRulePaths = _memory.Array(procPaths);
        c->MountRuleAccess = (ulong*)_memory.Allocate((nuint)(sizeof(ulong) * Math.Max(1, procPaths.Count)));
        for (int i = 0; i < procAccess.Count; i++)
        {
            c->MountRuleAccess[i] = (ulong)procAccess[i];
        }
    }

    private void DisposeContainment()
    {
        _statusRead?.Dispose();
        foreach (IDisposable owned in _owned)
        {
            owned.Dispose();
        }

        _owned.Clear();
    }

    private static bool IsUnderProc(string path) => SandboxPath.IsSameOrAncestor("/proc", path);

    /// <summary>A granted device file under /dev that is bind-mounted there (ChildInit.MountNodev keeps it dev-capable).</summary>
    private static bool IsGrantedDeviceMount(LandlockPathRule rule) =>
        rule.IsFile && SandboxPath.IsStrictAncestor("/dev", rule.Path) && !SandboxPath.IsSameOrAncestor(SandboxPath.DevPts, rule.Path)
        && OperatingSystem.IsLinux() && DeviceNodeScan.IsDeviceMountRoot(rule.Path);
}
