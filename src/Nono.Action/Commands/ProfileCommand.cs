using System.CommandLine;
using Nono.Action.Cli;

namespace Nono.Action.Commands;

/// <summary><c>nono profile list|show|init|groups|schema|validate|trust</c>.</summary>
internal static partial class ProfileCommand
{
    public static Command Create(CliContext context)
    {
        Command command = new("profile", "Inspect, validate and create sandbox profiles");
        command.Subcommands.Add(CreateList(context));
        command.Subcommands.Add(CreateShow(context));
        command.Subcommands.Add(CreateInit(context));
        command.Subcommands.Add(CreateGroups(context));
        command.Subcommands.Add(CreateSchema(context));
        command.Subcommands.Add(CreateValidate(context));
        command.Subcommands.Add(CreateTrust(context));
        return command;
    }

    private static Option<bool> JsonOption() => new("--json") { Description = "Print JSON" };
}
