using System.CommandLine;
using Nono.Action.Cli;
using Nono.Core.Policy;

namespace Nono.Action.Commands;

internal static partial class ProfileCommand
{
    private static Command CreateSchema(CliContext context)
    {
        Command command = new("schema", "Print the JSON Schema of profile files (generated from the model)");
        command.SetAction(_ =>
        {
            context.Output.WriteLine(PolicySchema.ExportText());
            return ExitCodes.Success;
        });
        return command;
    }
}
