using System.CommandLine;
using Nono.Action.Cli;
using Nono.Core.Sandbox;

namespace Nono.Action.Commands;

/// <summary>
/// <c>nono wrap [options] -- CMD</c>: confines nono's own main thread and execs the command in its place.
/// No supervisor remains (no signal forwarding, no PDEATHSIG); the sandbox is the same.
/// </summary>
internal static class WrapCommand
{
    public static Command Create(CliContext context)
    {
        RunOptions options = new();
        Command command = new("wrap", "Replace nono with the sandboxed command (no supervisor process)");
        options.AddTo(command);
        command.SetAction(parse =>
        {
            if (!OperatingSystem.IsLinux())
            {
                return RunCommand.NotLinux(context);
            }

            SandboxInvocation? invocation = SandboxInvocation.Prepare(options, parse, context, out int exitCode);
            if (invocation is null)
            {
                return exitCode;
            }

            context.Output.Flush();
            context.Error.Flush();
            SandboxLauncher.ExecInPlace(invocation.Plan, invocation.Spec); // returns only by throwing
            return ExitCodes.SandboxSetupFailed;
        });
        return command;
    }
}
