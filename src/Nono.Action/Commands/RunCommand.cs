using System.CommandLine;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Nono.Action.Cli;
using Nono.Action.Network;
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
        RunNetworkOptions network = new();
        network.AddTo(command);
        command.SetAction(parse => OperatingSystem.IsLinux() ? Run(options, network, parse, context) : NotLinux(context));
        return command;
    }

    [SupportedOSPlatform("linux")]
    private static SandboxedProcess StartOrUnregister(SandboxInvocation invocation, List<PosixSignalRegistration> registrations)
    {
        try
        {
            return invocation.Network?.Start(invocation.Plan, invocation.Spec, sink: null) ?? SandboxLauncher.Start(invocation.Plan, invocation.Spec);
        }
        catch
        {
            foreach (PosixSignalRegistration registration in registrations)
            {
                registration.Dispose();
            }

            invocation.Network?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    internal static int NotLinux(CliContext context)
    {
        context.Error.WriteLine("nono: the sandbox needs Linux");
        return ExitCodes.NonoError;
    }

    [SupportedOSPlatform("linux")]
    private static int Run(RunOptions options, RunNetworkOptions network, ParseResult parse, CliContext context)
    {
        // Under the JIT, forking needs W^X off from process start: re-exec (same pid and argv) if needed.
        ForkSafety.ReexecIfNeeded();
        SandboxInvocation? invocation = SandboxInvocation.Prepare(options, parse, context, out int exitCode, network);
        if (invocation is null)
        {
            return exitCode;
        }

        SandboxLauncher.HardenSupervisor();

        // Forward the usual termination signals; nono itself stays up to report the child's exit. Registered
        // before the start so a signal that arrives while the child starts is forwarded, not lost.
        Lock gate = new();
        SandboxedProcess? child = null;
        int pending = 0;
        List<PosixSignalRegistration> registrations = [];
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

        using SandboxedProcess process = StartOrUnregister(invocation, registrations);
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

        try
        {
            ChildExit exit = process.WaitForExitAsync().GetAwaiter().GetResult();
            return exit.ShellExitCode;
        }
        finally
        {
            foreach (PosixSignalRegistration registration in registrations)
            {
                registration.Dispose();
            }

            invocation.Network?.DisposeAsync().AsTask().GetAwaiter().GetResult(); // proxy shuts down with the command
        }
    }
}
