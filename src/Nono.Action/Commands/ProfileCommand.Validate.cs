using System.CommandLine;
using Nono.Action.Cli;
using Nono.Action.Profiles;
using Nono.Core.Diagnostics;
using Nono.Core.Policy;

namespace Nono.Action.Commands;

internal static partial class ProfileCommand
{
    private static Command CreateValidate(CliContext context)
    {
        Argument<string> file = new("FILE") { Description = "Profile file to check" };
        Option<bool> json = JsonOption();
        Command command = new("validate", "Check a profile file and report every problem with its JSON path") { file, json };
        command.SetAction(result =>
        {
            string path = Path.GetFullPath(result.GetValue(file) ?? "", context.CurrentDirectory);
            if (!File.Exists(path))
            {
                throw new NonoException(NonoErrorCode.InvalidPolicy, $"no such profile file: {path}", path: path);
            }

            PolicyContext policyContext = PolicyContextFactory.Create(context.Environment, context.CurrentDirectory);
            PolicyResolution resolution = new ProfileResolver(PolicyLoader.CatalogFor(policyContext)).Resolve(path, policyContext);
            if (result.GetValue(json))
            {
                context.Output.WriteLine(PolicyJson.Serialize(resolution.Problems));
            }
            else if (resolution.Succeeded)
            {
                context.Output.WriteLine($"{path}: valid (chain: {string.Join(" -> ", resolution.Policy.Chain)}; digest sha256:{resolution.Policy.Digest})");
            }
            else
            {
                foreach (PolicyProblem problem in resolution.Problems)
                {
                    context.Output.WriteLine(problem.ToString());
                }
            }

            if (resolution.Succeeded)
            {
                return ExitCodes.Success;
            }

            context.Error.WriteLine($"nono: {path}: {resolution.Problems.Count} problem(s)");
            return ExitCodes.NonoError;
        });
        return command;
    }
}
