using System.CommandLine;
using Nono.Action.Cli;
using Nono.Action.Profiles;
using Nono.Core.Diagnostics;
using Nono.Core.Policy;

namespace Nono.Action.Commands;

internal static partial class ProfileCommand
{
    private static Command CreateGroups(CliContext context)
    {
        Argument<string?> name = new("NAME") { Description = "Show one group's rules", Arity = ArgumentArity.ZeroOrOne };
        Option<bool> json = JsonOption();
        Command command = new("groups", "List the built-in policy groups, or show one") { name, json };
        command.SetAction(result =>
        {
            IReadOnlyDictionary<string, PolicyGroup> groups = BuiltinProfiles.Groups;
            string? requested = result.GetValue(name);
            if (requested is not null)
            {
                if (!groups.TryGetValue(requested, out PolicyGroup? group))
                {
                    throw new NonoException(NonoErrorCode.InvalidPolicy, $"unknown group '{requested}' (known: {string.Join(", ", groups.Keys)})");
                }

                groups = new Dictionary<string, PolicyGroup> { [requested] = group };
            }

            if (result.GetValue(json))
            {
                context.Output.WriteLine(PolicyJson.Serialize(groups));
                return ExitCodes.Success;
            }

            foreach ((string groupName, PolicyGroup group) in groups)
            {
                bool mandatory = BuiltinProfiles.MandatoryGroups.Contains(groupName, StringComparer.Ordinal);
                context.Output.WriteLine($"{groupName}{(mandatory ? " (always on)" : "")}: {group.Description}");
                if (requested is not null)
                {
                    WriteRules(context.Output, group.Filesystem);
                }
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static void WriteRules(TextWriter output, FilesystemSection fs)
    {
        (string Key, IReadOnlyList<string> Paths)[] lists =
        [
            ("allow", fs.Allow), ("read", fs.Read), ("write", fs.Write),
            ("allow_file", fs.AllowFile), ("read_file", fs.ReadFile), ("write_file", fs.WriteFile), ("deny", fs.Deny),
        ];
        foreach ((string key, IReadOnlyList<string> paths) in lists)
        {
            foreach (string path in paths)
            {
                output.WriteLine($"  {key,-10} {path}");
            }
        }
    }
}
