using System.CommandLine;
using Nono.Core.Diagnostics;

namespace Nono.Action.Cli;

/// <summary>Builds the command tree and runs it. The one top-level catch lives here.</summary>
internal static class NonoCli
{
    public static RootCommand Build(string[] args, CliContext context)
    {
        RootCommand root = new("nono: kernel-enforced sandbox for AI agents and CI jobs");
        foreach (Command command in CommandCatalog.CreateFor(args, context))
        {
            root.Subcommands.Add(command);
        }

        return root;
    }

    public static int Run(string[] args, CliContext context)
    {
        RootCommand root = Build(args, context);
        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (System.CommandLine.Parsing.ParseError error in parse.Errors)
            {
                context.Error.WriteLine($"nono: {error.Message}");
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

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
