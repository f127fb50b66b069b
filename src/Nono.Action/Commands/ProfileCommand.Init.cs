using System.CommandLine;
using System.Text;
using Nono.Action.Cli;
using Nono.Action.Profiles;
using Nono.Core.Diagnostics;
using Nono.Core.Policy;

namespace Nono.Action.Commands;

internal static partial class ProfileCommand
{
    private static Command CreateInit(CliContext context)
    {
        Argument<string> name = new("NAME") { Description = "Name of the new user profile" };
        Option<string> extends = new("--extends") { Description = "Base profile", DefaultValueFactory = _ => "default" };
        Command command = new("init", "Write a starter profile into the user profile directory (never overwrites)") { name, extends };
        command.SetAction(result =>
        {
            string profileName = result.GetValue(name) ?? "";
            string baseName = result.GetValue(extends) ?? "default";
            if (!ProfileCatalog.IsValidName(profileName))
            {
                throw new NonoException(NonoErrorCode.InvalidPolicy, $"invalid profile name '{profileName}' (letters, digits, '-', '_', '.'; at most 64)");
            }

            PolicyContext policyContext = PolicyContextFactory.Create(context.Environment, context.CurrentDirectory);
            ProfileCatalog catalog = PolicyLoader.CatalogFor(policyContext);
            if (catalog.FindProfile(baseName, null) is null)
            {
                throw new NonoException(NonoErrorCode.InvalidPolicy, $"unknown base profile '{baseName}' (see 'nono profile list')");
            }

            string path = catalog.UserProfilePath(profileName);
            WriteNew(path, Starter(profileName, baseName));
            context.Output.WriteLine($"created {path}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static string Starter(string name, string baseName) => $$"""
        // nono profile '{{name}}'. Schema: `nono profile schema`; check it with `nono profile validate {{name}}.json`.
        {
          "extends": "{{baseName}}",
          "meta": { "name": "{{name}}", "description": "" },
          "security": { "groups": [] },
          "filesystem": {
            "allow": [],
            "read": [],
            "deny": [],
          },
          "network": {},
          "environment": { "allow_vars": [], "set": {} },
        }

        """;

    /// <summary>Writes a new file atomically: a temp file in the same directory, flushed, then renamed; refuses to overwrite.</summary>
    private static void WriteNew(string path, string content)
    {
        string directory = Path.GetDirectoryName(path) ?? ".";
        Directory.CreateDirectory(directory);
        if (File.Exists(path))
        {
            throw new NonoException(NonoErrorCode.InvalidPolicy, $"profile already exists at {path}; refusing to overwrite", path: path);
        }

        string temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (FileStream stream = new(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(Encoding.UTF8.GetBytes(content));
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            throw new NonoException(NonoErrorCode.InvalidPolicy, $"profile already exists at {path}; refusing to overwrite", path: path);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
