using System.CommandLine;
using Nono.Action.Cli;
using Nono.Action.Profiles;
using Nono.Core.Diagnostics;
using Nono.Core.Policy;

namespace Nono.Action.Commands;

internal static partial class ProfileCommand
{
    private static Command CreateTrust(CliContext context)
    {
        Argument<string?> target = new("PATH") { Description = "Project profile file, or a project directory (default: ./.nono/profile.json)", Arity = ArgumentArity.ZeroOrOne };
        Command command = new("trust", "Pin a project profile's SHA-256 so runs use it; a changed file is refused until trusted again") { target };
        command.SetAction(result =>
        {
            string path = Path.GetFullPath(result.GetValue(target) ?? PolicySettingsLoader.ProjectProfilePath, context.CurrentDirectory);
            if (Directory.Exists(path))
            {
                path = Path.Combine(path, PolicySettingsLoader.ProjectProfilePath);
            }

            if (!File.Exists(path))
            {
                throw new NonoException(NonoErrorCode.InvalidPolicy, $"no such profile file: {path}", path: path);
            }

            PolicyContext policyContext = PolicyContextFactory.Create(context.Environment, context.CurrentDirectory);
            string digest = ProjectProfileTrust.Trust(policyContext.StateDirectory, path);
            context.Output.WriteLine($"trusted {path} (sha256:{digest}); runs refuse it once its content changes");
            return ExitCodes.Success;
        });
        return command;
    }
}
