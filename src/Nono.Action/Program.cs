using Nono.Action.Cli;
using Nono.Core.Proxy;
using Nono.Core.Sandbox;

namespace Nono.Action;

internal static class Program
{
    public static int Main(string[] args)
    {
        // Captured first, so the sandboxed command never inherits the runtime switch set below.
        CliContext context = CliContext.FromProcess();
        // The supervisor's egress proxy relays small messages; see SocketContinuations for why this is safe here. A JIT
        // process that still has to re-exec itself for fork safety sets it after the re-exec, so it is not carried along.
        if (args is ["run", ..] or ["action", ..] && ForkSafety.IsForkSafe)
        {
            if (SocketContinuations.ValueToSet(context.GetEnv(SocketContinuations.Variable)) is string inline)
            {
                Environment.SetEnvironmentVariable(SocketContinuations.Variable, inline);
            }
        }

        return NonoCli.Run(args, context);
    }
}
