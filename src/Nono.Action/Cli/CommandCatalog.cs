using System.CommandLine;

namespace Nono.Action.Cli;

/// <summary>
/// The list of top-level commands. Each feature adds one line here and keeps its command in
/// <c>Commands/</c>, so features merge without touching each other.
/// </summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> Create(CliContext context)
    {
        yield return Commands.RunCommand.Create(context);
        yield return Commands.WrapCommand.Create(context);
        yield return Commands.SetupCommand.Create(context);
        yield return Commands.ProfileCommand.Create(context);
        yield return Commands.WhyCommand.Create(context);
        yield return Commands.RollbackCommand.Create(context);
        yield return Commands.SessionCommand.Create(context);
        yield return Commands.AuditCommand.Create(context);
        yield return Commands.TrustCommand.Create(context);
        yield return Commands.SigstoreCommand.Create(context);
        yield return Commands.ActionCommand.Create(context);
    }
}
