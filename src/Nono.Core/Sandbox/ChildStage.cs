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
}
