namespace Nono.Core.Sandbox;

/// <summary>The step of the child's setup that failed, as reported through the error pipe.</summary>
internal enum ChildStage
{
    None = 0,
    ParentDeathSignal = 1,
    ParentGone = 2,
    SignalMask = 3,
    Stdio = 4,
    ChangeDirectory = 5,
    CloseDescriptors = 6,
    NoNewPrivileges = 7,
    LandlockRestrictSelf = 8,
    Seccomp = 9,
    Execve = 10,
    DropPtraceCapability = 11,
    NetnsDumpable = 12,
    NetnsUnshare = 13,
    NetnsSetgroups = 14,
    NetnsUidMap = 15,
    NetnsGidMap = 16,
    NetnsLoopbackUp = 17,
    NetnsProxyListener = 18,
    NetnsHandoff = 19,
    NetnsEnvironment = 20,
    NetnsDropCapabilities = 21,
    NetnsLocalRoutes = 22,
    NetnsDnsSocket = 23,
    NetnsDnsHandoff = 24,
    NetnsDnsTcpSocket = 25,
    NetnsDnsTcpHandoff = 26,
    NetnsPidnsClone = 27, // the network tier's clone with the PID-namespace tier's flags (supervisor-side, from a refused clone)

    // Process containment (ChildInit); numbered apart so other tiers can add stages above without renumbering.
    PidnsUnshare = 40,
    ContainmentSignals = 41,
    // 42, 43: the PID-namespace relay's fork of the init and the init's check of it (the relay is gone).
    PidnsMountPrivate = 44,
    PidnsMountProc = 45,
    PidnsProcRule = 46,
    ContainmentForkCommand = 47,
    CgroupEnter = 48,
    ContainmentDeathSignal = 49,
    PidnsSession = 52, // the init's setsid (50, 51: the observer's stages below)
    PidnsMountDevpts = 53,
    PidnsNodev = 54,      // mount_setattr(/, AT_RECURSIVE, MOUNT_ATTR_NODEV)
    PidnsDevBind = 55,    // mount(/dev, /dev, MS_BIND|MS_REC)
    PidnsDevDevices = 56, // mount_setattr(/dev, clear MOUNT_ATTR_NODEV)
    PidnsGrantBind = 57,     // mount(grant, grant, MS_BIND|MS_REC)
    PidnsGrantWritable = 58, // mount_setattr(grant or a writable mount below it, clear MOUNT_ATTR_RDONLY)
    PidnsMountShm = 59,      // mount(tmpfs, /dev/shm)
    PidnsChangeDirectory = 60, // chdir to the working directory again, on the new mounts
    DropSetfcapCapability = 61,
    PidnsGrantChanged = 62,  // a writable grant reached through a link, or another inode than the ruleset's (ChildInit.BindGrants)

    // Filesystem observer (ChildObserver).
    ObserverInstall = 50,
    ObserverHandoff = 51,
}
