using System.CommandLine;
using System.Text.Json;
using Nono.Action.Cli;
using Nono.Action.Profiles;
using Nono.Core.Policy;

namespace Nono.Action.Commands;

internal static partial class ProfileCommand
{
    private static Command CreateList(CliContext context)
    {
        Option<bool> json = JsonOption();
        Command command = new("list", "List the built-in and user profiles") { json };
        command.SetAction(result =>
        {
            PolicyContext policyContext = PolicyContextFactory.Create(context.Environment, context.CurrentDirectory);
            IReadOnlyList<ProfileSource> profiles = PolicyLoader.CatalogFor(policyContext).List();
            if (result.GetValue(json))
            {
                context.Output.WriteLine(ListJson(profiles));
                return ExitCodes.Success;
            }

            foreach (ProfileSource profile in profiles)
            {
                string kind = profile.Origin.StartsWith(ProfileCatalog.BuiltinPrefix, StringComparison.Ordinal) ? "builtin" : "user";
                context.Output.WriteLine($"{profile.Name,-14} {kind,-8} {Describe(profile)}");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static string Describe(ProfileSource profile)
    {
        ParsedProfile parsed = ProfileParser.ParseProfile(profile.Json, profile.Origin);
        return parsed.Problems.Count > 0 ? $"(invalid: {parsed.Problems.Count} problem(s); run 'nono profile validate {profile.Origin}')" : parsed.Profile.Meta.Description ?? "";
    }

    private static string ListJson(IReadOnlyList<ProfileSource> profiles)
    {
        using MemoryStream stream = new();
        using (Utf8JsonWriter writer = new(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartArray();
            foreach (ProfileSource profile in profiles)
            {
                ParsedProfile parsed = ProfileParser.ParseProfile(profile.Json, profile.Origin);
                writer.WriteStartObject();
                writer.WriteString("name", profile.Name);
                writer.WriteString("origin", profile.Origin);
                writer.WriteString("description", parsed.Profile.Meta.Description);
                writer.WriteBoolean("valid", parsed.Problems.Count == 0);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
