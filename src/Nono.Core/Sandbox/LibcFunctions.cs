using System.Runtime.InteropServices;
using Nono.Core.Sandbox.Interop;

namespace Nono.Core.Sandbox;

/// <summary>Resolves the libc entry points the child calls, once per process, and checks they answer.</summary>
internal static class LibcFunctions
{
    private static readonly Lock s_lock = new();
    private static nint s_libc;

    /// <summary>Fills the function-pointer part of <paramref name="context"/>.</summary>
    public static unsafe void Fill(ChildContext* context)
    {
        SetEntryPoints(context, harmless: false);
        context->SysLandlockAddRule = Interop.Interop.SyscallNumbers.landlock_add_rule;
        context->SysMountSetattr = Interop.Interop.SyscallNumbers.mount_setattr;
        context->SysCapset = System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 91 : 126;
        context->SysClone = System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 220 : 56;
        context->SysCloseRange = Interop.Interop.SyscallNumbers.close_range;
        context->SysLandlockRestrictSelf = Interop.Interop.SyscallNumbers.landlock_restrict_self;
        context->SysSeccomp = Interop.Interop.SyscallNumbers.Current.seccomp;
        context->SysStatx = Interop.Interop.SyscallNumbers.Current.statx;

        // Exercise the pure ones once in the parent, so a broken binding fails here and not in the child.
        // getppid() is 0, not an error, when the parent is outside our PID namespace (a step run by
        // `docker exec`, as in container jobs); it never fails.
        if (context->Getppid() < 0 || context->ErrnoLocation() == null)
        {
            throw new InvalidOperationException("libc bindings for the sandbox child do not answer");
        }
    }

    /// <summary>
    /// Fills every entry point of <paramref name="context"/> with <c>getpid</c>, which ignores its arguments: a call through
    /// any of them, with its declared signature, has no effect. <see cref="ChildCode"/> binds each signature's call stub with it.
    /// </summary>
    public static unsafe void FillHarmless(ChildContext* context) => SetEntryPoints(context, harmless: true);

    private static unsafe void SetEntryPoints(ChildContext* context, bool harmless)
    {
        lock (s_lock)
        {
            if (s_libc == 0)
            {
                s_libc = NativeLibrary.Load(Interop.Interop.Libraries.Libc);
            }
        }

        nint Get(string name) => NativeLibrary.GetExport(s_libc, harmless ? "getpid" : name);

        // SAFETY: each export is the libc function with exactly the C signature the pointer type declares
        // (variadic prctl/syscall/open/ioctl are called with integer or pointer arguments only, sound on x86-64 and AAPCS64).
        // Harmless: getpid reads no argument and changes nothing; extra integer or pointer arguments, and a return register
        // that is ignored or never dereferenced, are sound in both ABIs.
        context->Fork = (delegate* unmanaged[SuppressGCTransition]<int>)Get("fork");
        context->Exit = (delegate* unmanaged[SuppressGCTransition]<int, void>)Get("_exit");
        context->Write = (delegate* unmanaged[SuppressGCTransition]<int, void*, nint, nint>)Get("write");
        context->Prctl = (delegate* unmanaged[SuppressGCTransition]<int, nuint, nuint, nuint, nuint, int>)Get("prctl");
        context->Getppid = (delegate* unmanaged[SuppressGCTransition]<int>)Get("getppid");
        context->Signal = (delegate* unmanaged[SuppressGCTransition]<int, nint, nint>)Get("signal");
        context->Sigprocmask = (delegate* unmanaged[SuppressGCTransition]<int, void*, void*, int>)Get("sigprocmask");
        context->Chdir = (delegate* unmanaged[SuppressGCTransition]<byte*, int>)Get("chdir");
        context->Dup2 = (delegate* unmanaged[SuppressGCTransition]<int, int, int>)Get("dup2");
        context->Syscall = (delegate* unmanaged[SuppressGCTransition]<nint, nint, nint, nint, nint>)Get("syscall");
        context->Execve = (delegate* unmanaged[SuppressGCTransition]<byte*, byte**, byte**, int>)Get("execve");
        context->ErrnoLocation = (delegate* unmanaged[SuppressGCTransition]<int*>)Get("__errno_location");
        context->Open = (delegate* unmanaged[SuppressGCTransition]<byte*, int, int, int>)Get("open");
        context->Close = (delegate* unmanaged[SuppressGCTransition]<int, int>)Get("close");
        context->Read = (delegate* unmanaged[SuppressGCTransition]<int, void*, nint, nint>)Get("read");
        context->Socket = (delegate* unmanaged[SuppressGCTransition]<int, int, int, int>)Get("socket");
        context->Ioctl = (delegate* unmanaged[SuppressGCTransition]<int, nuint, void*, int>)Get("ioctl");
        context->Bind = (delegate* unmanaged[SuppressGCTransition]<int, void*, uint, int>)Get("bind");
        context->Listen = (delegate* unmanaged[SuppressGCTransition]<int, int, int>)Get("listen");
        context->Sendmsg = (delegate* unmanaged[SuppressGCTransition]<int, void*, int, nint>)Get("sendmsg");
        context->Waitpid = (delegate* unmanaged[SuppressGCTransition]<int, int*, int, int>)Get("waitpid");
        context->Kill = (delegate* unmanaged[SuppressGCTransition]<int, int, int>)Get("kill");
        context->Sigwaitinfo = (delegate* unmanaged[SuppressGCTransition]<void*, void*, int>)Get("sigwaitinfo");
        context->Mount = (delegate* unmanaged[SuppressGCTransition]<byte*, byte*, byte*, nuint, void*, int>)Get("mount");
        context->Pipe2 = (delegate* unmanaged[SuppressGCTransition]<int*, int, int>)Get("pipe2");
        context->Rmdir = (delegate* unmanaged[SuppressGCTransition]<byte*, int>)Get("rmdir");
        context->Usleep = (delegate* unmanaged[SuppressGCTransition]<uint, int>)Get("usleep");
        context->Syscall4 = (delegate* unmanaged[SuppressGCTransition]<nint, nint, nint, nint, nint, nint>)Get("syscall");
        context->Getpid = (delegate* unmanaged[SuppressGCTransition]<int>)Get("getpid");
        context->VFork = (delegate* unmanaged[SuppressGCTransition]<int>)Get("vfork");
        context->Setsid = (delegate* unmanaged[SuppressGCTransition]<int>)Get("setsid");
        context->Syscall5 = (delegate* unmanaged[SuppressGCTransition]<nint, nint, nint, nint, nint, nint, nint>)Get("syscall");
    }
}
