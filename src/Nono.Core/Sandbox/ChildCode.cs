using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Nono.Core.Sandbox;

/// <summary>
/// Makes the code that runs in forked children complete before the first fork. A child has only the forking thread; if
/// it reached anything not yet compiled (a method, the call stub of an unmanaged signature, a class constructor, a
/// tiering or precode patch), the runtime would take the JIT's and loader's locks, which another thread may have held at
/// fork time, and the child would wait forever. Under the JIT (the test host, <c>dotnet run</c>, the apphost) this
/// happened: unoptimized code calls each function-pointer signature through an IL stub that is made on the first call,
/// and the parent never called most of them. NativeAOT compiles everything ahead of time and needs none of this.
/// The closure is checked in the tests (ChildCodeTests): every method the child reaches is in one of the types prepared
/// here, opts out of tiering, touches no static (so no class constructor check either), calls nothing else, allocates
/// and throws nothing, and every unmanaged signature it calls is bound by
/// <see cref="BindCallStubs"/>.
/// </summary>
internal static unsafe class ChildCode
{
    private const DynamicallyAccessedMemberTypes AllMethods =
        DynamicallyAccessedMemberTypes.PublicMethods | DynamicallyAccessedMemberTypes.NonPublicMethods;

    /// <summary>Compiles and binds everything a forked child can run. Call once before the first fork.</summary>
    public static void Prepare()
    {
        if (!RuntimeFeature.IsDynamicCodeCompiled)
        {
            return; // NativeAOT: nothing is compiled at run time
        }

        PrepareType(typeof(ChildProcess));
        PrepareType(typeof(ChildNetns));
        PrepareType(typeof(ChildNetnsDns));
        PrepareType(typeof(ChildInit));
        PrepareType(typeof(ChildObserver));

        // Call each entry once (a null context returns at once, the entries call their helpers the same way) so every
        // call between them goes through code already bound in the parent. The child must not write to the runtime's
        // executable memory, which W^X maps shared.
        // SAFETY: a null context makes every child method return before touching any pointer.
        _ = ChildProcess.Fork(null);
        _ = ChildProcess.ConfineAndExec(null);
        _ = ChildProcess.ConfineCommand(null);
        ChildProcess.ReportAndExit(null, 0);
        _ = ChildProcess.ReadParentPid(null);
        _ = ChildNetns.Enter(null);
        _ = ChildInit.Enter(null);
        _ = ChildObserver.Install(null);
        BindCallStubs();
    }

    private static void PrepareType([DynamicallyAccessedMembers(AllMethods)] Type type)
    {
        foreach (MethodInfo method in type.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
        {
            RuntimeHelpers.PrepareMethod(method.MethodHandle);
        }
    }

    /// <summary>
    /// Calls every entry point of a <see cref="ChildContext"/> once, each through its own signature, with all of them
    /// pointing at getpid. Unoptimized code (a Debug build, or a call site the JIT leaves out of line) calls a function
    /// pointer through a stub made for the signature on first use and then cached for every call site in this module:
    /// made here, the child finds it ready. The calls sit in a try block, where the JIT never inlines an unmanaged call,
    /// so they take that stub path also in optimized builds.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void BindCallStubs()
    {
        ChildContext* h = (ChildContext*)NativeMemory.AllocZeroed((nuint)sizeof(ChildContext));
        try
        {
            // SAFETY: every entry point is getpid (LibcFunctions.FillHarmless); no argument is read, no result dereferenced.
            LibcFunctions.FillHarmless(h);
            _ = h->Fork();
            h->Exit(0);
            _ = h->Write(-1, null, 0);
            _ = h->Prctl(0, 0, 0, 0, 0);
            _ = h->Getppid();
            _ = h->Signal(0, 0);
            _ = h->Sigprocmask(0, null, null);
            _ = h->Chdir(null);
            _ = h->Dup2(-1, -1);
            _ = h->Syscall(0, 0, 0, 0);
            _ = h->Execve(null, null, null);
            _ = h->ErrnoLocation();
            _ = h->Open(null, 0, 0);
            _ = h->Close(-1);
            _ = h->Read(-1, null, 0);
            _ = h->Socket(0, 0, 0);
            _ = h->Ioctl(-1, 0, null);
            _ = h->Bind(-1, null, 0);
            _ = h->Listen(-1, 0);
            _ = h->Sendmsg(-1, null, 0);
            _ = h->Waitpid(0, null, 0);
            _ = h->Kill(0, 0);
            _ = h->Sigwaitinfo(null, null);
            _ = h->Mount(null, null, null, 0, null);
            _ = h->Pipe2(null, 0);
            _ = h->Rmdir(null);
            _ = h->Usleep(0);
            _ = h->Syscall4(0, 0, 0, 0, 0);
            _ = h->Getpid();
            _ = h->VFork();
            _ = h->Setsid();
            _ = h->Syscall5(0, 0, 0, 0, 0, 0);
        }
        finally
        {
            NativeMemory.Free(h);
        }
    }
}
