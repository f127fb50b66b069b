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
        Option<bool> forget = new("--forget") { Description = "Drop the pin instead (a deleted trusted profile is refused until its pin is dropped)" };
        Command command = new("trust", "Pin a project profile's SHA-256 so runs use it; a changed or deleted file is refused until trusted again or forgotten") { target, forget };
        command.SetAction(result =>
        {
            string given = Path.GetFullPath(result.GetValue(target) ?? PolicySettingsLoader.ProjectProfilePath, context.CurrentDirectory);
            string project = Path.Combine(given, PolicySettingsLoader.ProjectProfilePath);
            PolicyContext policyContext = PolicyContextFactory.Create(context.Environment, context.CurrentDirectory);
            if (result.GetValue(forget))
            {
                // The project directory may be gone with its profile: a directory is recognised by its pin.
                string pinned = ProjectProfileTrust.IsPinned(policyContext.StateDirectory, project) ? project : given;
                if (!ProjectProfileTrust.Forget(policyContext.StateDirectory, pinned))
                {
                    throw new NonoException(NonoErrorCode.InvalidPolicy, $"no trusted profile pinned at {pinned}", path: pinned);
                }

                context.Output.WriteLine($"forgot the pin of {pinned}");
                return ExitCodes.Success;
            }

            string path = Directory.Exists(given) ? project : given;

            if (!File.Exists(path))
            {
                throw new NonoException(NonoErrorCode.InvalidPolicy, $"no such profile file: {path}", path: path);
            }

            string digest = ProjectProfileTrust.Trust(policyContext.StateDirectory, path);
            context.Output.WriteLine($"trusted {path} (sha256:{digest}); runs refuse it once its content changes");
            return ExitCodes.Success;
        });
        return command;
    }
}
