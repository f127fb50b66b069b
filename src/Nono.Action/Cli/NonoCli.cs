using System.CommandLine;
using System.Reflection;
using Nono.Action.ActionMode.Fence;
using Nono.Core.Diagnostics;

namespace Nono.Action.Cli;

/// <summary>Builds the command tree and runs it. The one top-level catch lives here.</summary>
internal static class NonoCli
{
    private const string Description = "nono: kernel-enforced sandbox for AI agents and CI jobs";

    /// <summary>
    /// The root and as much of the tree as <paramref name="args"/> need: a command they name under a plain root when
    /// nothing of System.CommandLine's <see cref="RootCommand"/> can apply (<see cref="PlainRoot"/>), else the real root.
    /// </summary>
    public static Command Build(string[] args, CliContext context)
    {
        if (CommandCatalog.CreateNamed(args, context) is Command named)
        {
            Command root = PlainRoot.TryCreate(args, Description) ?? new RootCommand(Description);
            root.Subcommands.Add(named);
            return root;
        }

        RootCommand full = new(Description);
        foreach (Command command in CommandCatalog.CreateFor(args, context))
        {
            full.Subcommands.Add(command);
        }

        return full;
    }

    public static int Run(string[] args, CliContext context)
    {
        if (!ReadForWorkflowCommands(args, context))
        {
            return RunCommandLine(args, context);
        }

        // The runner reads these streams for workflow commands (see CommandNeutralisingWriter), and anything that escapes
        // is one line, never a multi-line crash report.
        CommandNeutralisingWriter output = new(context.Output);
        CommandNeutralisingWriter error = new(context.Error);
        try
        {
            return RunCommandLine(args, context with { Output = output, Error = error });
        }
        catch (Exception ex)
        {
            error.WriteLine($"nono: internal error ({ex.GetType().Name}): {OneLine(ex.Message)}");
            return ExitCodes.NonoError;
        }
        finally
        {
            output.Complete();
            error.Complete();
        }
    }

    private static int RunCommandLine(string[] args, CliContext context)
    {
        if (args is ["--version"])
        {
            // What the root command's version option prints, without building it: its help option and resource strings
            // and the executable-name lookup cost about a millisecond of a ~13 ms start (docs/notes/s14-launch.md).
            context.Output.WriteLine(Version);
            return ExitCodes.Success;
        }

        Command root = Build(args, context);
        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // One line per problem: System.CommandLine lists the accepted values of an enum option on separate lines.
            foreach (string message in parse.Errors.Select(ParseErrorLine).Distinct(StringComparer.Ordinal))
            {
                context.Error.WriteLine($"nono: {message}");
            }

            return ExitCodes.UsageError;
        }

        InvocationConfiguration invocation = new()
        {
            Output = context.Output,
            Error = context.Error,
            EnableDefaultExceptionHandler = false,
        };

        try
        {
            return parse.Invoke(invocation);
        }
        catch (NonoException ex)
        {
            context.Error.WriteLine($"nono: {OneLine(ex.Message)}");
            return ex.Code switch
            {
                NonoErrorCode.SandboxSetupFailed => ExitCodes.SandboxSetupFailed,
                NonoErrorCode.CommandNotFound => ExitCodes.CommandNotFound,
                _ => ExitCodes.NonoError,
            };
        }
        catch (Octokit.ApiException ex)
        {
            context.Error.WriteLine($"nono: GitHub API answered HTTP {(int)ex.StatusCode}: {OneLine(ex.Message)}");
            return ExitCodes.NonoError;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or HttpRequestException)
        {
            context.Error.WriteLine($"nono: {OneLine(ex.Message)}");
            return ExitCodes.NonoError;
        }
    }

    /// <summary>nono's informational version (with the commit), as System.CommandLine's version option reads it from the entry assembly.</summary>
    internal static string Version =>
        typeof(NonoCli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(NonoCli).Assembly.GetName().Version?.ToString()
        ?? "";

    /// <summary>Action mode, and <c>nono review</c> in a workflow (it prints what an agent named its files).</summary>
    private static bool ReadForWorkflowCommands(string[] args, CliContext context) =>
        args is ["action", ..] || (args is ["review", ..] && context.GetEnv("GITHUB_ACTIONS") == "true");

    /// <summary>Messages can carry attacker text (zip entry names, API answers): one line, no terminal escapes.</summary>
    private static string OneLine(string message) => Nono.Reports.Terminal.TerminalText.Line(message.ReplaceLineEndings(" ").Trim());

    /// <summary>
    /// A parse error on one line, prefixed with the option it is about: System.CommandLine puts the accepted values of
    /// an enum option on lines of their own (tab-indented) and does not always name the option.
    /// </summary>
    private static string ParseErrorLine(System.CommandLine.Parsing.ParseError error)
    {
        string message = string.Join(' ', error.Message.Split((char[])['\r', '\n', '\t', ' '], StringSplitOptions.RemoveEmptyEntries));
        string? option = error.SymbolResult switch
        {
            System.CommandLine.Parsing.OptionResult o => o.Option.Name,
            System.CommandLine.Parsing.ArgumentResult { Parent: System.CommandLine.Parsing.OptionResult o } => o.Option.Name,
            _ => null,
        };
        return option is null || message.Contains(option, StringComparison.Ordinal) ? message : $"{option}: {message}";
    }
}
