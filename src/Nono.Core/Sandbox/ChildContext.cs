using System.Runtime.InteropServices;

namespace Nono.Core.Sandbox;

/// <summary>
/// Everything the forked child needs, in unmanaged memory: libc entry points (resolved in the parent) and
/// the prepared data. The child reads only this struct; it never touches the managed heap or statics.
/// </summary>
// SAFETY: allocated zeroed in native memory by NativeLaunchState and never moved; function pointers come
// from LibcFunctions.Fill with matching C signatures.
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ChildContext
{
    public const int FlagSupervised = 1 << 0;
    public const int FlagLandlock = 1 << 1;
    public const int FlagSeccomp = 1 << 2;
    public const int FlagNetns = 1 << 3;        // private user + network namespace (ChildNetns)
    public const int FlagNetnsProxy = 1 << 4;   // ... with lo up and the proxy listener handed to the supervisor
    public const int FlagNetnsProbe = 1 << 5;   // ... then stop: a probe child reports success and exits
    public const int FlagDropAllCapabilities = 1 << 6; // root outside a user namespace: the command drops every capability
    public const int FlagObserver = 1 << 12;    // install the notify-only filter and hand its listener over (ChildObserver)
    public const int FlagObserverOptional = 1 << 13; // ... or, when a listener cannot be made (EBUSY/EPERM), go on without it

    // libc entry points. SuppressGCTransition: the child must not enter the runtime's GC mode switches.
    public delegate* unmanaged[SuppressGCTransition]<int> Fork;
    public delegate* unmanaged[SuppressGCTransition]<int, void> Exit;
    public delegate* unmanaged[SuppressGCTransition]<int, void*, nint, nint> Write;
    public delegate* unmanaged[SuppressGCTransition]<int, nuint, nuint, nuint, nuint, int> Prctl;
    public delegate* unmanaged[SuppressGCTransition]<int> Getppid;
    public delegate* unmanaged[SuppressGCTransition]<int, nint, nint> Signal;
    public delegate* unmanaged[SuppressGCTransition]<int, void*, void*, int> Sigprocmask;
    public delegate* unmanaged[SuppressGCTransition]<byte*, int> Chdir;
    public delegate* unmanaged[SuppressGCTransition]<int, int, int> Dup2;
    public delegate* unmanaged[SuppressGCTransition]<nint, nint, nint, nint, nint> Syscall;
    public delegate* unmanaged[SuppressGCTransition]<byte*, byte**, byte**, int> Execve;
    public delegate* unmanaged[SuppressGCTransition]<int*> ErrnoLocation;
    public delegate* unmanaged[SuppressGCTransition]<byte*, int, int, int> Open;
    public delegate* unmanaged[SuppressGCTransition]<int, int> Close;
    public delegate* unmanaged[SuppressGCTransition]<int, void*, nint, nint> Read;
    public delegate* unmanaged[SuppressGCTransition]<int, int, int, int> Socket;
    public delegate* unmanaged[SuppressGCTransition]<int, nuint, void*, int> Ioctl;
    public delegate* unmanaged[SuppressGCTransition]<int, void*, uint, int> Bind;
    public delegate* unmanaged[SuppressGCTransition]<int, int, int> Listen;
    public delegate* unmanaged[SuppressGCTransition]<int, void*, int, nint> Sendmsg;

    // Syscall numbers (no glibc wrapper, or not in every glibc).
    public nint SysCloseRange;
    public nint SysLandlockRestrictSelf;
    public nint SysSeccomp;
    public nint SysCapset;

    // Data.
    public int Flags;
    public int ParentPid;
    public int ErrorPipe;
    public int RulesetFd;
    public int StdinFd;
    public int StdoutFd;
    public int StderrFd;
    public byte* WorkingDirectory;
    public byte* ExecutablePath;
    public byte** Argv;
    public byte** Envp;
    public void* SeccompProgram;
    public void* EmptySignalSet;

    // Network namespace tier (ChildNetns); all prepared by NativeLaunchState.PrepareNetns.
    public byte* SetgroupsPath;
    public byte* SetgroupsDeny;
    public byte* UidMapPath;
    public byte* UidMap;
    public byte* GidMapPath;
    public byte* GidMap;
    public void* LoopbackIfreq;       // struct ifreq naming "lo"
    public void* ListenAddress;       // struct sockaddr_in 127.0.0.1:port
    public void* HandoffMessage;      // struct msghdr with one iovec byte and room for one SCM_RIGHTS fd
    public int HandoffFd;             // the child's end of the socketpair (set per attempt)
    public int CapLastCap;
    public void* CapHeader;           // __user_cap_header_struct, version 3, pid 0
    public void* CapData;             // two zeroed __user_cap_data_struct
    public byte* EnvBuffer;           // receives "K=V\0K=V\0..." from the supervisor
    public int EnvBufferSize;
    public int EnvBaseCount;          // entries already in Envp
    public int EnvExtraCapacity;      // room left in Envp (not counting the NULL)

    // Process containment (ChildInit); prepared by NativeLaunchState.PrepareContainment.
    public const int FlagPidns = 1 << 20;        // private PID + mount namespace, /proc and /dev/pts remounted, minimal init
    public const int FlagPidnsUserns = 1 << 21;  // ... which needs a user namespace of its own (unprivileged, no netns)
    public const int FlagPidnsProbe = 1 << 22;   // ... up to mounting /proc and /dev/pts, then stop
    public const int FlagCgroup = 1 << 23;       // the command moves into a cgroup leaf; a relay kills it when nono dies

    public delegate* unmanaged[SuppressGCTransition]<int, int*, int, int> Waitpid;
    public delegate* unmanaged[SuppressGCTransition]<int, int, int> Kill;
    public delegate* unmanaged[SuppressGCTransition]<void*, void*, int> Sigwaitinfo;
    public delegate* unmanaged[SuppressGCTransition]<byte*, byte*, byte*, nuint, void*, int> Mount;
    public delegate* unmanaged[SuppressGCTransition]<int*, int, int> Pipe2;
    public delegate* unmanaged[SuppressGCTransition]<byte*, int> Rmdir;
    public delegate* unmanaged[SuppressGCTransition]<uint, int> Usleep;
    public delegate* unmanaged[SuppressGCTransition]<int> Getpid;
    public delegate* unmanaged[SuppressGCTransition]<nint, nint, nint, nint, nint, nint> Syscall4;
    public nint SysLandlockAddRule;
    public int StatusPipe;            // write end: the command's raw wait status goes to the supervisor (set per attempt)
    public int WaitStatus;            // scratch for waitpid
    public int RelayPid;              // the cgroup relay's pid, for its command's parent check
    public void* FullSignalSet;       // sigset_t with every bit set
    public void* SignalInfo;          // siginfo_t (128 bytes) filled by sigwaitinfo
    public byte* RootPath;            // "/"
    public byte* ProcPath;            // "/proc"
    public byte* ProcType;            // "proc"
    public byte* DevptsPath;          // "/dev/pts"
    public byte* DevptsType;          // "devpts"
    public byte* DevptsOptions;       // a private instance: the host's terminals are not in it, new ptys are
    public byte** MountRulePaths;     // Landlock rules at or under /proc and /dev/pts, re-added on the new mounts
    public ulong* MountRuleAccess;
    public int MountRuleCount;
    public void* RuleAttr;            // landlock_path_beneath_attr scratch (12 bytes, packed)
    public int CgroupProcsFd;         // the leaf's cgroup.procs, open for writing
    public int CgroupKillFd;          // the leaf's cgroup.kill, open for writing
    public byte* CgroupPath;          // the leaf's directory (removed by the relay when nono died)
    // Filesystem observer (ChildObserver); prepared by NativeLaunchState.PrepareObserver.
    public int LandlockRestrictFlags;   // landlock_restrict_self flags (audit logging, ABI 7+)
    public void* ObserverProgram;       // struct sock_fprog of the notify-only filter
    public void* ObserverMessage;       // struct msghdr with one data byte and room for one SCM_RIGHTS fd
    public int ObserverFd;              // the child's end of the observer socketpair (set per attempt)
    public void* SeccompProgramUndeferred; // the enforcing filter refusing by itself, for FlagObserverOptional
    // DNS recorder in the namespace (ChildNetnsDns); prepared by NativeLaunchState.PrepareDnsRecorder.
    public void* RouteMessages;         // netlink RTM_NEWROUTE requests, back to back (each nlmsg_len long)
    public int RouteMessageCount;       // the first is required, the rest (IPv6) best effort
    public void* NetlinkAck;            // receives each request's NLMSG_ERROR acknowledgement
    public int NetlinkAckSize;
    public void* DnsAddress6;           // struct sockaddr_in6 [::]:53 (dual stack), or null without IPv6
    public void* DnsAddress4;           // struct sockaddr_in 0.0.0.0:53, used when AF_INET6 is unavailable
    // vfork(2): the contained tiers start the command with it (ChildInit.SpawnCommand), sharing the parent's memory until exec.
    // Only under NativeAOT, where a function-pointer call is a direct call: a JIT host in Debug calls it through an IL stub
    // whose frame the vforked child overwrites before the parent returns through it (seen: the parent got pid 0 back).
    public const int FlagVforkCommand = 1 << 25;
    public delegate* unmanaged[SuppressGCTransition]<int> VFork;

    // The supervisor clones the child straight into its namespaces with CloneFlags (no relay process, no unshare):
    // ChildProcess.Fork. FlagPidnsDirect: the child is pid 1 of a new PID + mount namespace (ChildInit.EnterPidNamespace).
    // FlagNetnsDirect: it is in a new user + network namespace whose id maps it writes itself (ChildNetns).
    public const int FlagPidnsDirect = 1 << 24;
    public const int FlagNetnsDirect = 1 << 26;
    public nint SysClone;
    public int CloneFlags;              // SIGCHLD and the CLONE_NEW* flags of the tiers (CLONE_NEWUSER when unprivileged or with netns)
    // The init's parent check (getppid is 0 across the namespace boundary): PPid of the host's /proc/self/status.
    public const int StatusBufferBytes = 4096;
    public byte* StatusPath;            // "/proc/self/status"
    public byte* StatusBuffer;          // StatusBufferBytes
    // errno of a failed fork or clone, saved at once in ChildProcess.Fork: the runtime calls after it (the fork lock's exit,
    // the supervisor's next steps) may overwrite the thread's errno before the supervisor reads it.
    public int ForkErrno;
    // The init calls setsid before it starts the command (SandboxPlan.OwnSession): no process in the namespace then shares
    // a process group or session with nono or a host process, so kill(0, sig) and terminal signals stay inside.
    public const int FlagPidnsSession = 1 << 27;
    public delegate* unmanaged[SuppressGCTransition]<int> Setsid;
    // Device nodes only under /dev in the pidns containment (ChildInit.MountNodev): every mount of the namespace is made
    // nodev (mount_setattr, AT_RECURSIVE), then a recursive bind of /dev over itself is made dev-capable again.
    public delegate* unmanaged[SuppressGCTransition]<nint, nint, nint, nint, nint, nint, nint> Syscall5;
    public nint SysMountSetattr;
    public byte* DevPath;               // "/dev"
    public ulong* MountAttr;            // struct mount_attr (32 bytes: attr_set, attr_clr, propagation, userns_fd)
    public byte** DeviceMountPaths;     // granted device files under /dev that are mounts of their own (bind-mounted devices)
    public int DeviceMountCount;
    // Read-only mounts outside the writable grants in the pidns containment (ChildInit.Writable.cs; WritableMounts): the
    // grants are bound onto themselves, MountNodev's pass also sets MOUNT_ATTR_RDONLY, then these are made writable again.
    public const int FlagPidnsPrivateShm = 1 << 28; // ... and a private tmpfs on /dev/shm (a writable grant covers it)
    public byte** GrantMountPaths;      // writable grants (directories and regular files) bound onto themselves
    public int GrantMountCount;
    public byte** WritableMountPaths;   // the init's /proc, the grant binds and the host's writable mounts below them
    public int WritableMountCount;
    public byte* ShmPath;               // "/dev/shm"
    public byte* ShmType;               // "tmpfs"
    public byte* ShmOptions;            // "mode=1777"
    // The grants are opened in the init without following a link and checked against the inodes the ruleset was built on
    // before each bind (ChildInit.BindGrants): a link or another directory put on the path since the plan fails the launch.
    public ulong* GrantMountIdentities; // (device as major << 32 | minor, inode) per GrantMountPaths entry
    public void* GrantOpenScratch;      // struct open_how, struct statx and "" (ChildInit.GrantOpenScratchSize bytes)
    public nint SysStatx;
}
