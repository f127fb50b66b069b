using System.Runtime.InteropServices;

namespace Nono.Core.Sandbox.Interop;

internal static partial class Interop
{
    public const int PR_SET_PDEATHSIG = 1;
    public const int PR_SET_DUMPABLE = 4;
    public const int PR_GET_SECCOMP = 21;
    public const int PR_SET_SECCOMP = 22;
    public const int PR_SET_NO_NEW_PRIVS = 38;

    internal static partial class Libc
    {
        // SAFETY: prctl(2) is variadic; all arguments used here are integers or a pointer the caller keeps
        // alive, passed in registers exactly like fixed arguments on the supported ABIs.
        [LibraryImport(Libraries.Libc, EntryPoint = "prctl", SetLastError = true)]
        internal static partial int prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);
    }

    /// <summary>prctl with integer arguments; throws on failure.</summary>
    internal static int Prctl(int option, nuint arg2, string name)
    {
        int result = Libc.prctl(option, arg2, 0, 0, 0);
        CheckIo(result, name);
        return result;
    }
}
