using System.CommandLine;

namespace Nono.Action.Cli;

/// <summary>
/// The top-level commands by name. Each feature adds one line here and keeps its command in
/// <c>Commands/</c>, so features merge without touching each other.
/// </summary>
internal static class CommandCatalog
{
    private static readonly (string Name, Func<CliContext, Command> Create)[] s_commands =
    [
        ("run", Commands.RunCommand.Create),
        ("wrap", Commands.WrapCommand.Create),
        ("setup", Commands.SetupCommand.Create),
        ("profile", Commands.ProfileCommand.Create),
        ("why", Commands.WhyCommand.Create),
        ("rollback", Commands.RollbackCommand.Create),
        ("session", Commands.SessionCommand.Create),
        ("audit", Commands.AuditCommand.Create),
        ("trust", Commands.TrustCommand.Create),
        ("sigstore", Commands.SigstoreCommand.Create),
        ("action", Commands.ActionCommand.Create),
        ("review", Commands.ReviewCommand.Create),
    ];

    /// <summary>All commands (for help and completion).</summary>
    public static IEnumerable<Command> Create(CliContext context) => s_commands.Select(c => c.Create(context));

    /// <summary>
    /// Only the command the first argument names, when it names one: building the whole tree costs several
    /// milliseconds of start-up on every sandboxed run. A lone <c>--version</c> needs none (the root answers it);
    /// anything else (help, typos) gets the full tree.
    /// </summary>
    public static IEnumerable<Command> CreateFor(string[] args, CliContext context)
    {
        if (args is ["--version"])
        {
            return [];
        }

        return CreateNamed(args, context) is Command named ? [named] : Create(context);
    }

    /// <summary>The command the first argument names, or null when it names none.</summary>
    public static Command? CreateNamed(string[] args, CliContext context)
    {
        foreach ((string name, Func<CliContext, Command> create) in s_commands)
        {
            if (args.Length > 0 && args[0] == name)
            {
                return create(context);
            }
        }

        return null;
    }
}
