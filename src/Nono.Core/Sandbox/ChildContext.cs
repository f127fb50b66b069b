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

    // Syscall numbers (no glibc wrapper, or not in every glibc).
    public nint SysCloseRange;
    public nint SysLandlockRestrictSelf;
    public nint SysSeccomp;

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
}
