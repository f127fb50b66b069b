using System.Runtime.CompilerServices;
using System.Runtime.Versioning;
using Nono.Core.Diagnostics;

namespace Nono.Core.Sandbox;

/// <summary>
/// Whether this process may fork and run managed code in the child. Under the JIT, .NET's W^X mode maps
/// executable memory MAP_SHARED (a "double mapping"), so after fork the parent's JIT and stub writes land in
/// the child's code and the child's in the parent's: both crash at random (observed here). NativeAOT has no
/// JIT and no double mapping; a JIT process needs <c>DOTNET_EnableWriteXorExecute=0</c> from its start.
/// </summary>
public static class ForkSafety
{
    /// <summary>The runtime switch that turns the shared double mapping off.</summary>
    public const string WriteXorExecuteVariable = "DOTNET_EnableWriteXorExecute";

    /// <summary>Set on a process re-executed by <see cref="ReexecIfNeeded"/>, so the variable can be kept from the sandbox.</summary>
    public const string ReexecMarkerVariable = "NONO_REEXEC_WXE";

    /// <summary>True when forking and running the child's managed code is safe in this process.</summary>
    public static bool IsForkSafe =>
        !RuntimeFeature.IsDynamicCodeCompiled
        || Environment.GetEnvironmentVariable(WriteXorExecuteVariable) == "0"
        || Environment.GetEnvironmentVariable("COMPlus_EnableWriteXorExecute") == "0";

    /// <summary>Throws <see cref="NonoException"/> unless <see cref="IsForkSafe"/>.</summary>
    public static void ThrowIfUnsafe()
    {
        if (!IsForkSafe)
        {
            throw new NonoException(
                NonoErrorCode.SandboxSetupFailed,
                $"the sandbox launcher cannot fork from a JIT process with W^X on; start it with {WriteXorExecuteVariable}=0 (the AOT nono needs nothing)");
        }
    }

    /// <summary>
    /// When fork is unsafe, replaces this process (same pid, same argv from /proc/self/cmdline) by itself with
    /// W^X off. Call it first thing in Main or a module initializer, before any other thread does work.
    /// Returns only when nothing had to be done (or the re-exec failed, which leaves <see cref="IsForkSafe"/> false).
    /// </summary>
    [SupportedOSPlatform("linux")]
    public static void ReexecIfNeeded()
    {
        if (IsForkSafe || Environment.GetEnvironmentVariable(ReexecMarkerVariable) is not null)
        {
            return;
        }

        string[] argv = File.ReadAllText("/proc/self/cmdline").TrimEnd('\0').Split('\0');
        Dictionary<string, string> env = [];
        foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables())
        {
            env[(string)e.Key] = (string?)e.Value ?? "";
        }

        env[WriteXorExecuteVariable] = "0";
        env[ReexecMarkerVariable] = "1";
        using NativeStrings memory = new();
        unsafe
        {
            byte* path = memory.String("/proc/self/exe");
            byte** args = memory.Array(argv);
            byte** envp = memory.Array([.. env.Select(kv => $"{kv.Key}={kv.Value}")]);
            // SAFETY: all three arrays are NUL-terminated and live in native memory until execve returns (on failure).
            _ = Interop.Interop.Libc.execve(path, args, envp);
        }
    }
}
