using Nono.Action.Cli;

namespace Nono.Action;

internal static class Program
{
    public static int Main(string[] args) => NonoCli.Run(args, CliContext.FromProcess());
}
