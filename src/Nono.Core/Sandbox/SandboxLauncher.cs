using System.Runtime.Versioning;
using Nono.Core.Diagnostics;
using Nono.Core.Sandbox.Interop;

namespace Nono.Core.Sandbox;

/// <summary>
/// Starts commands under a <see cref="SandboxPlan"/>. The confinement happens in the forked, single-threaded
/// child; the calling process is never confined. See <see cref="ChildProcess"/> for the child's rules.
/// </summary>
[SupportedOSPlatform("linux")]
public static partial class SandboxLauncher
{
    /// <summary>How long the child may take from fork to exec before it is presumed stuck and killed.</summary>
    private const int ChildSetupTimeoutMilliseconds = 30_000;

    private static readonly Lazy<bool> s_prepared = new(PrepareChildCode);

    /// <summary>
    /// Starts <paramref name="spec"/> confined by <paramref name="plan"/>. Returns once the command has been
    /// exec'd; throws <see cref="NonoException"/> (CommandNotFound / SandboxSetupFailed) when it could not be.
    /// </summary>
    public static SandboxedProcess Start(SandboxPlan plan, LaunchSpec spec) => Start(plan, spec, null);

    /// <summary>
    /// As <see cref="Start(SandboxPlan, LaunchSpec)"/>; in the <see cref="NetworkTier.IsolatedNamespace"/> proxy tier,
    /// <paramref name="proxyHandoff"/> is called on the supervisor thread with the sockets the child created inside its
    /// namespace (<see cref="NamespaceSockets"/>: the listener on 127.0.0.1:<see cref="Capabilities.CapabilitySet.ProxyPort"/>
    /// and the port-53 DNS socket). It starts the proxy (and the DNS refuser) on them and returns the variables to add to the child's environment (names must not already be in <see cref="LaunchSpec.Environment"/>).
    /// If it throws, the child is killed before exec and the exception surfaces here.
    /// </summary>
    public static SandboxedProcess Start(SandboxPlan plan, LaunchSpec spec, Func<NamespaceSockets, IReadOnlyDictionary<string, string>>? proxyHandoff)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(spec);
        bool handsOff = plan.NetworkTier == NetworkTier.IsolatedNamespace && plan.Capabilities.Network == Capabilities.NetworkMode.Proxy;
        if (handsOff != (proxyHandoff is not null))
        {
            throw new ArgumentException("a proxy hand-off is needed exactly for a netns-tier proxy plan", nameof(proxyHandoff));
        }

        ForkSafety.ThrowIfUnsafe();
        string executable = Resolve(spec);
        _ = s_prepared.Value;

        // The fork and the wait happen on a dedicated thread that lives exactly as long as the child, because
        // PR_SET_PDEATHSIG fires when the *thread* that forked exits. It starts first and opens the fork's no-GC region (and
        // starts the observer's threads) while this thread builds the state (exceptions surface here), so they overlap.
        using ThreadHandoff<SandboxedProcess> started = new();
        ThreadHandoff<PreparedLaunch> prepared = new();
        TaskCompletionSource<ChildExit> exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
        Thread supervisor = new(() => Supervise(prepared, executable, started, exited, spec.Observer))
        {
            IsBackground = true,
            Name = "nono-supervisor",
        };
        supervisor.Start();
        prepared.Set(Prepare(plan, spec, executable, proxyHandoff, prepared));
        return started.Wait();
    }

    /// <summary>The state and cgroup leaf the supervisor thread launches with.</summary>
    private sealed record PreparedLaunch(NativeLaunchState State, CgroupLeaf? Leaf);

    /// <summary>Builds the launch; on failure, releases the waiting supervisor thread (which then ends) and rethrows.</summary>
    private static PreparedLaunch Prepare(
        SandboxPlan plan,
        LaunchSpec spec,
        string executable,
        Func<NamespaceSockets, IReadOnlyDictionary<string, string>>? proxyHandoff,
        ThreadHandoff<PreparedLaunch> prepared)
    {
        NativeLaunchState? state = null;
        CgroupLeaf? leaf = null;
        try
        {
            state = new(plan, spec, executable, supervised: true) { ProxyHandoff = proxyHandoff };
            leaf = CreateLeaf(plan);
            if (leaf is not null)
            {
                state.AttachCgroup(leaf);
            }

            return new PreparedLaunch(state, leaf);
        }
        catch (Exception ex)
        {
            state?.Dispose();
            leaf?.Dispose();
            prepared.Fail(ex);
            throw;
        }
    }

    /// <summary>
    /// Confines the calling thread and replaces the process with the command (<c>nono wrap</c>). Returns only by
    /// throwing. Call it on the main thread of a process that has nothing else to do: execve ends the
    /// runtime's other threads, and the Landlock domain and seccomp filter survive the exec.
    /// </summary>
    public static unsafe void ExecInPlace(SandboxPlan plan, LaunchSpec spec)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(spec);
        if (plan.NetworkTier == NetworkTier.IsolatedNamespace)
        {
            // A multithreaded process cannot unshare a user namespace; the planner never picks this tier for wrap.
            throw new NonoException(NonoErrorCode.SandboxSetupFailed, "the netns network tier needs nono run (a supervised child), not nono wrap");
        }

        if (plan.Containment != ProcessContainment.DirectChild)
        {
            throw new NonoException(NonoErrorCode.SandboxSetupFailed, "process containment needs nono run (a supervised child), not nono wrap");
        }

        string executable = Resolve(spec);
        using NativeLaunchState state = new(plan, spec, executable, supervised: false);

        // SAFETY: the context lives until the using ends; ConfineAndExec returns only on failure.
        long failure = ChildProcess.ConfineAndExec(state.Context);
        ThrowChildFailure(failure, executable);
    }

    /// <summary>
    /// Hardens the supervisor process against the sandbox it starts. (1) PR_SET_DUMPABLE 0: its /proc files
    /// become root-owned and same-uid processes can neither ptrace it nor read its environ or memory. The
    /// sandboxed command is unaffected (execve resets dumpability). (2) Scrubs the process's initial
    /// environment block, which /proc/&lt;pid&gt;/environ shows: on the kernels tested, a root sandbox could
    /// still read it (neither Landlock's ptrace check nor dumpability stopped PTRACE_MODE_READ for root).
    /// Call it only after the environment was copied (the CLI's context) and once nothing calls getenv.
    /// </summary>
    public static void HardenSupervisor()
    {
        Interop.Interop.Prctl(Interop.Interop.PR_SET_DUMPABLE, 0, "prctl(PR_SET_DUMPABLE)");
        ScrubInitialEnvironment();
    }

    private static unsafe void ScrubInitialEnvironment()
    {
        // /proc/self/stat fields 50 and 51 (1-based, proc_pid_stat(5)) are env_start and env_end; fields after the command
        // name start at field 3, after the last ')'.
        string stat = File.ReadAllText("/proc/self/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        ulong start = ulong.Parse(fields[50 - 3], System.Globalization.CultureInfo.InvariantCulture);
        ulong end = ulong.Parse(fields[51 - 3], System.Globalization.CultureInfo.InvariantCulture);
        if (start == 0 || end <= start || end - start > 16 * 1024 * 1024)
        {
            throw new NonoException(NonoErrorCode.SandboxSetupFailed, "cannot locate the process environment block to scrub it");
        }

        // SAFETY: [env_start, env_end) is the initial environment block on the main thread's stack, mapped
        // and writable for the process's lifetime. The runtime keeps its own copy of the environment.
        new Span<byte>((void*)start, checked((int)(end - start))).Clear();
    }

    private static string Resolve(LaunchSpec spec)
    {
        string? path = spec.Environment.TryGetValue("PATH", out string? p) ? p : null;
        return CommandResolver.Resolve(spec.Command, path, spec.WorkingDirectory)
            ?? throw new NonoException(NonoErrorCode.CommandNotFound, $"{spec.Command}: command not found", spec.Command);
    }

    private static bool PrepareChildCode()
    {
        ChildCode.Prepare();
        return true;
    }
}
