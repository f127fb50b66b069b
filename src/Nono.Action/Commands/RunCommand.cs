using System.CommandLine;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Nono.Action.Cli;
using Nono.Action.GitHub;
using Nono.Action.Network;
using Nono.Action.Session;
using Nono.Core.Audit.Events;
using Nono.Core.Sandbox;

namespace Nono.Action.Commands;

/// <summary><c>nono run [options] -- CMD [ARGS...]</c>: runs the command sandboxed, supervised by nono.</summary>
internal static class RunCommand
{
    public static Command Create(CliContext context)
    {
        RunOptions options = new();
        Command command = new("run", "Run a command in the sandbox, supervised (signals forwarded, exit code passed through)");
        options.AddTo(command);
        RunNetworkOptions network = new(); // proxy mode flags (Network/RunNetwork.cs)
        network.AddTo(command);
        Option<FsObserverMode> observer = FsObserverOption.Create();
        command.Options.Add(observer);
        command.SetAction(parse => OperatingSystem.IsLinux() ? Run(options, network, parse, context, parse.GetValue(observer)) : NotLinux(context));
        return command;
    }

    internal static int NotLinux(CliContext context)
    {
        context.Error.WriteLine("nono: the sandbox needs Linux");
        return ExitCodes.NonoError;
    }

    [SupportedOSPlatform("linux")]
    private static int Run(RunOptions options, RunNetworkOptions network, ParseResult parse, CliContext context, FsObserverMode observer)
    {
        bool audit = !parse.GetValue(options.NoAudit);
        if (!audit && parse.GetValue(options.Rollback))
        {
            context.Error.WriteLine("nono: --no-audit cannot be combined with --rollback (a rollback needs its session record)");
            return ExitCodes.NonoError;
        }

        // Under the JIT, forking needs W^X off from process start: re-exec (same pid and argv) if needed.
        ForkSafety.ReexecIfNeeded();
        using SandboxInvocation? invocation = SandboxInvocation.Prepare(options, parse, context, out int exitCode, network);
        if (invocation is null)
        {
            return exitCode;
        }

        RecordingOptions recording = Recording(options, parse, context, invocation, audit);
        SandboxLauncher.HardenSupervisor();
        if (!CiGuards.HidesCheckoutToken(parse.GetValue(options.ActionGuards), invocation.Policy))
        {
            return RunRecordedAsync(invocation, recording, context, observer).GetAwaiter().GetResult();
        }

        return RunWithoutCheckoutTokenAsync(invocation, recording, context, observer).GetAwaiter().GetResult();
    }

    /// <summary>A ci run outside the action mode: the token actions/checkout persisted is hidden for the run, then put back.</summary>
    [SupportedOSPlatform("linux")]
    private static async Task<int> RunWithoutCheckoutTokenAsync(SandboxInvocation invocation, RecordingOptions recording, CliContext context, FsObserverMode observer)
    {
        string workspace = context.GetEnv("GITHUB_WORKSPACE") is { Length: > 0 } w && Path.IsPathFullyQualified(w) ? w : invocation.Spec.WorkingDirectory;
        string backup = Path.Combine(Nono.Core.Snapshots.SnapshotStore.DefaultStateRoot(context.Environment), "run-checkout");
        CheckoutCredentialGuard guard = await CheckoutCredentialGuard.HideAsync(workspace, backup, CancellationToken.None);
        if (guard.Hidden.Count > 0 && !invocation.Silent)
        {
            context.Error.WriteLine("nono: note: the token actions/checkout persisted in git config is removed for this run (profile ci) and put back afterwards");
        }

        try
        {
            return await RunRecordedAsync(invocation, recording, context, observer);
        }
        finally
        {
            await guard.RestoreAsync(CancellationToken.None);
        }
    }

    [SupportedOSPlatform("linux")]
    private static async Task<int> RunRecordedAsync(SandboxInvocation invocation, RecordingOptions options, CliContext context, FsObserverMode observer)
    {
        await using RunRecording recording = await RunRecording.StartAsync(options, context.Environment, CancellationToken.None);
        using RunObservers? observers = options.Audit
            ? RunObservers.Open(observer, FsObserverOption.SeccompByDefault, invocation.Plan, invocation.Policy, recording.FilesystemSink, recording.ProxySink, invocation.SeccompUserNotification)
            : RunObservers.WithoutAudit(invocation.Plan, invocation.SeccompUserNotification);
        ChildExit exit = Supervise(invocation, observers?.Apply(invocation.Spec) ?? invocation.Spec, context, recording, observers);
        observers?.Complete();
        recording.Observers = observers?.Reports();
        recording.DnsTrapUnavailable = invocation.Network?.DnsTrapUnavailable;
        await recording.CompleteAsync(exit.ExitCode, exit.TermSignal, CancellationToken.None);
        if (!invocation.Silent && recording.SessionId is string id)
        {
            string changes = recording.Diff is null ? "" : $"; {recording.Diff.Summary()} (nono rollback show {id} --diff)"
                + (recording.ExcludedChanges.Count == 0 ? "" : $"; {recording.ExcludedChanges.Count} excluded path(s) changed, seen by metadata only: {string.Join(", ", recording.ExcludedChanges.Take(3).Select(c => c.Path))}");
            context.Error.WriteLine($"nono: session {id}: exit {exit.ShellExitCode}{changes}");
        }

        if (exit.ShellExitCode != 0 && invocation.Plan.DropsRootCapabilities && !invocation.Silent)
        {
            // A root command that needs a capability (chown, apt-get's drop to _apt, tar keeping owners) fails with EPERM.
            context.Error.WriteLine($"nono: hint: the command ran as root without capabilities; if it failed with EPERM (operation not permitted), --allow-weaker {WeakerModes.Name(WeakerMode.RootCapabilities)} keeps them (weaker: it can then read other root processes' environment)");
        }

        return exit.ShellExitCode;
    }

    [SupportedOSPlatform("linux")]
    private static RecordingOptions Recording(RunOptions options, ParseResult parse, CliContext context, SandboxInvocation invocation, bool audit)
    {
        bool rollback = parse.GetValue(options.Rollback) || invocation.Policy.Rollback.Enabled == true;
        return new RecordingOptions
        {
            StateRoot = Nono.Core.Snapshots.SnapshotStore.DefaultStateRoot(context.Environment),
            Command = invocation.Command,
            WorkingDirectory = invocation.Spec.WorkingDirectory,
            Audit = audit,
            SessionId = parse.GetValue(options.SessionId),
            PolicyDigest = invocation.Policy.Digest,
            EnforcementTier = $"{invocation.Plan.Tier} + network {NetworkTiers.Name(invocation.Plan.NetworkTier)} + containment {ProcessContainments.Name(invocation.Plan.Containment)}{string.Concat(invocation.Plan.NamespaceScopes.Select(s => $"; {s}"))}",
            LandlockAbi = invocation.Plan.LandlockAbi,
            Kernel = invocation.Kernel,
            Runner = RunnerIdentity.FromEnvironment(context.Environment),
            WeakerModes = [.. invocation.Plan.WeakerModes.Select(WeakerModes.Name)],
            SnapshotRoots = rollback ? SnapshotRoots.For(invocation) : [],
            SnapshotOptions = new Nono.Core.Snapshots.SnapshotOptions
            {
                ExcludePatterns = [.. invocation.Policy.Rollback.ExcludePatterns, .. invocation.Policy.Rollback.ExcludeGlobs, .. parse.GetValue(options.RollbackExclude) ?? []],
                IncludePatterns = parse.GetValue(options.RollbackInclude) ?? [],
            },
            ProtectedPaths = ProtectedPaths.Resolve(invocation.Policy.ProtectedPaths),
            GitControlRoots = CiGuards.Apply(parse.GetValue(options.ActionGuards), invocation.Policy) ? [.. SnapshotRoots.For(invocation).Where(Directory.Exists)] : null,
            SignKey = parse.GetValue(options.AuditSignKey),
        };
    }

    /// <summary>Starts the child with signal forwarding in place and waits for it.</summary>
    [SupportedOSPlatform("linux")]
    private static ChildExit Supervise(SandboxInvocation invocation, LaunchSpec spec, CliContext context, RunRecording recording, RunObservers? observers)
    {
        // Forward the usual termination signals; nono itself stays up to report the child's exit. Registered
        // before the start so a signal that arrives while the child starts is forwarded, not lost.
        Lock gate = new();
        SandboxedProcess? child = null;
        int pending = 0;
        List<PosixSignalRegistration> registrations = [];
        try
        {
            foreach ((PosixSignal signal, int number) in new[] { (PosixSignal.SIGINT, 2), (PosixSignal.SIGTERM, 15), (PosixSignal.SIGHUP, 1), (PosixSignal.SIGQUIT, 3) })
            {
                registrations.Add(PosixSignalRegistration.Create(signal, ctx =>
                {
                    ctx.Cancel = true;
                    lock (gate)
                    {
                        if (child is null)
                        {
                            pending = number;
                        }
                        else
                        {
                            child.Signal(number);
                        }
                    }
                }));
            }

            // Proxy mode / network namespace: RunNetwork starts the proxy; its events go to the session's audit log.
            using SandboxedProcess process = invocation.Network?.Start(invocation.Plan, spec, recording.ProxySink) ?? SandboxLauncher.Start(invocation.Plan, spec);
            observers?.Track(process.Pid);
            if (RunObservers.ListenGuardMissing(invocation.Plan, observers, invocation.SeccompUserNotification) is string noGuard)
            {
                context.Error.WriteLine($"nono: warning: listen guard unavailable ({noGuard}): every listen(2) in the sandbox fails with EACCES, UNIX sockets included");
            }

            if (invocation.Network?.DnsTrapUnavailable is string dnsTrap)
            {
                context.Error.WriteLine($"nono: warning: DNS trap unavailable ({dnsTrap}): lookups that bypass the proxy fail unrecorded; network isolation unchanged");
            }

            lock (gate)
            {
                child = process;
                if (pending != 0)
                {
                    process.Signal(pending);
                }
            }

            if (invocation.Verbose)
            {
                context.Error.WriteLine($"nono: started pid {process.Pid} in tier {invocation.Plan.Tier}");
            }

            Task<ChildExit> exit = process.WaitForExitAsync();
            recording.FlushStartIfStillRunning(exit); // a command that ends at once is made durable by the completion alone
            RunRecording.WaitQuietly(exit, Timeout.InfiniteTimeSpan);
            return exit.GetAwaiter().GetResult();
        }
        finally
        {
            foreach (PosixSignalRegistration registration in registrations)
            {
                registration.Dispose();
            }

            invocation.Network?.DisposeAsync().AsTask().GetAwaiter().GetResult(); // the proxy shuts down with the command
        }
    }
}
