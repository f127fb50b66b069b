using Nono.Core.Snapshots.Native;

namespace Nono.Core.Snapshots;

/// <summary>Restore's test hooks, switched on by the CLI from NONO_TEST_* variables (which never reach a sandboxed command).</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public static class RestoreTestHooks
{
    /// <summary>
    /// Set to 1: link unnamed files through /proc/self/fd, the route a process without CAP_DAC_READ_SEARCH takes on
    /// kernels where linkat(AT_EMPTY_PATH) needs it; newer kernels let the file's opener use AT_EMPTY_PATH, so without
    /// this the route (and its fallback) cannot be tested there.
    /// </summary>
    public const string ProcLinkVariable = "NONO_TEST_RESTORE_PROC_LINK";

    /// <summary>Forces the /proc/self/fd link route for the rest of this process.</summary>
    public static void LinkThroughProc() => Fs.ForceProcLink(true);
}
