using System.CommandLine;
using Nono.Action.Cli;
using Nono.Action.Profiles;
using Nono.Core.Capabilities;
using Nono.Core.Policy;

namespace Nono.Action.Commands;

internal static partial class ProfileCommand
{
    private static Command CreateShow(CliContext context)
    {
        Argument<string?> name = new("NAME") { Description = "Profile name or path (default: the layered selection)", Arity = ArgumentArity.ZeroOrOne };
        Option<bool> json = JsonOption();
        PolicyOptions policy = new();
        Command command = new("show", "Show a profile resolved for this machine, with its extends chain") { name, json };
        policy.AddTo(command);
        command.SetAction(result =>
        {
            CliPolicyArgs args = policy.ReadFrom(result);
            string? requested = result.GetValue(name);
            if (requested is not null)
            {
                args = args with { Profile = requested };
            }

            ResolvedPolicy resolved = PolicyLoader.Resolve(context.Environment, context.CurrentDirectory, args, out PolicySettings settings);
            foreach (string note in settings.Notes)
            {
                context.Error.WriteLine($"nono: note: {note}");
            }

            if (result.GetValue(json))
            {
                context.Output.WriteLine(PolicyJson.Serialize(resolved));
                return ExitCodes.Success;
            }

            context.Output.WriteLine($"selected: {settings.Profile} (by {settings.ProfileLayer})");
            WriteText(context.Output, resolved);
            return ExitCodes.Success;
        });
        return command;
    }

    private static void WriteText(TextWriter output, ResolvedPolicy policy)
    {
        output.WriteLine($"profile:  {policy.ProfileName}");
        output.WriteLine($"chain:    {string.Join(" -> ", policy.Chain)}");
        output.WriteLine($"groups:   {string.Join(", ", policy.Groups)}");
        output.WriteLine($"network:  {policy.Capabilities.Network}{(policy.Network.AllowDomain.Count > 0 ? " (" + string.Join(", ", policy.Network.AllowDomain) + ")" : "")}");
        output.WriteLine($"workdir:  {policy.Workdir} ({policy.WorkdirAccess})");
        output.WriteLine($"digest:   sha256:{policy.Digest}");
        output.WriteLine("grants:");
        foreach (FsGrant grant in policy.Capabilities.Grants)
        {
            output.WriteLine($"  {AccessText(grant.Access),-3} {grant.Path}{(grant.IsFile ? " (file)" : "")}  [{grant.Source}]");
        }

        output.WriteLine("denies:");
        foreach (FsDeny deny in policy.Capabilities.Denies.Concat(policy.DenyPatterns))
        {
            output.WriteLine($"  {deny.Path}{(deny.WriteOnly ? " (write; read stays)" : "")}  [{deny.Source}]");
        }

        if (policy.Skipped.Count > 0)
        {
            output.WriteLine("skipped:");
            foreach (SkippedRule skipped in policy.Skipped)
            {
                output.WriteLine($"  {skipped.Path}  [{skipped.Source}]: {skipped.Reason}");
            }
        }
    }

    private static string AccessText(FsAccess access) => access switch
    {
        FsAccess.Read => "r",
        FsAccess.Write => "w",
        FsAccess.ReadWrite => "rw",
        _ => "-",
    };
}
